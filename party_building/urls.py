app_name = "party_building"

urlpatterns = []
