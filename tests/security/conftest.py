"""The permissions matrix's world (people in every role, and what the URLs act on), for the
other security tests that post to every form."""

from tests.releases.conftest import org  # noqa: F401
from tests.security.test_permissions_matrix import world  # noqa: F401
