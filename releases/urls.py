"""The releases app's URLs: the board (releases/board/), the dependency checks
(releases/dependencies/), hygiene, the dogfood deploy and pushed-story notices, in one
`releases` namespace; the `<version>` routes of the board last."""

from releases.board import urls as board
from releases.dependencies import urls as dependencies
from releases.dogfood import urls as dogfood
from releases.hygiene import urls as hygiene
from releases.notifications import urls as notifications

app_name = "releases"
urlpatterns = [
    *board.index_patterns,
    *dependencies.urlpatterns,
    *hygiene.urlpatterns,
    *dogfood.urlpatterns,
    *notifications.urlpatterns,
    *board.urlpatterns,
]
