from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import selectors
from .texts import announcement_body, announcement_title


class AnnouncementFeed(Feed):
    """成立 / 变更 / 注销公告 as an Atom feed (the newest 50)."""

    feed_type = Atom1Feed
    title = _("Registration announcements")
    subtitle = _("Establishments, changes and deregistrations of social organizations approved by the bureau")
    link = "/public/announcements/"

    def items(self):
        return selectors.announcements()[:50]

    def item_title(self, item):
        return announcement_title(item)

    def item_description(self, item):
        return announcement_body(item)

    def item_link(self, item):
        return f"/public/announcements/#announcement-{item.pk}"

    def item_pubdate(self, item):
        return item.decided_at

    def item_updateddate(self, item):
        return item.decided_at
