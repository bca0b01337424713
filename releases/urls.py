"""The releases app's URLs: the board (releases/board/) and the dependency checks
(releases/dependencies/), in one `releases` namespace, in the order they always had."""

from releases.board import urls as board
from releases.dependencies import urls as dependencies

app_name = "releases"
urlpatterns = [*board.index_patterns, *dependencies.urlpatterns, *board.urlpatterns]
