app_name = "fees"

urlpatterns = []
