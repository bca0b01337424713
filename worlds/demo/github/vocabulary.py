"""The demo mirror's vocabulary: numbering, the handbook's labels, people, topics and titles.

Data only: what the history in `history.py` draws from.
"""

from __future__ import annotations

import datetime as dt

PAGE_SIZE = 100
ITEMS = 3_000
WINDOW = dt.timedelta(days=730)
FIRST_NUMBER = 18_240
# Fleet 4.43.0 shipped the work of the demo cadence's first sprint (January 2024).
MINOR_AT_ANCHOR = 43
MILESTONE_NUMBER_OFFSET = 57  # GitHub milestone number of 4.N.0 is N + this
# Id ranges far from each other, so no two kinds of demo object share an id.
ISSUE_ID_BASE = 3_100_000_000
COMMENT_ID_BASE = 4_200_000_000  # + number * 64 + position in the thread
COMMENTS_PER_ISSUE_MAX = 63
LABEL_ID_BASE = 7_000_000_000
MILESTONE_ID_BASE = 12_000_000
RELEASE_ID_BASE = 210_000_000
WATCHED_OSQUERY = "osquery/osquery"
WATCHED_EXTENSION = "macadmins/osquery-extension"

DEPENDABOT = "dependabot[bot]"
CODECOV = "codecov[bot]"
BOTS = (DEPENDABOT, CODECOV)

# name, color, description: the handbook's labels and the ones the processes key on.
LABELS: list[tuple[str, str, str]] = [
    ("bug", "d73a4a", "Something isn't working"),
    ("story", "9ff2b5", "A user story defining an entire feature"),
    (":product", "4dd6ba", "Product Design department (shows up on Drafting board)"),
    (":release", "b5ccf1", "Ready to write code. Scheduled in a release."),
    (":reproduce", "e0bd5d", "Involves documenting reproduction steps in the issue"),
    (":incoming", "f9d0c4", "New issue in triage process."),
    (":improve documentation", "fef2c0", "Improvements to the documentation"),
    ("~released bug", "c13e2b", "This bug was found in a stable release."),
    ("~unreleased bug", "f08d6a", "This bug was found in an unreleased version of Fleet."),
    ("~release blocker", "b60205", "Must be fixed before the next release is published."),
    ("~engineering-initiated", "6e49cb", "Engineering-initiated story"),
    ("~pushed", "c2e0c6", "This story was pushed to the next release."),
    ("~ceo", "000000", "Changes the CEO reviews"),
    ("#handbook", "ededed", "Changes to the handbook"),
    ("P0", "b60205", "Critical: fix immediately"),
    ("P1", "d93f0b", "High priority"),
    ("P2", "fbca04", "Medium priority"),
    ("#g-mdm", "1d76db", "MDM product group"),
    ("#g-software", "5319e7", "Software product group"),
    ("#g-orchestration", "0e8a16", "Orchestration product group"),
    ("#g-security-compliance", "006b75", "Security & compliance product group"),
    ("customer-northwind", "bfd4f2", ""),
    ("customer-contoso", "bfd4f2", ""),
    ("customer-globex", "bfd4f2", ""),
    ("customer-initech", "bfd4f2", ""),
    ("customer-umbrella", "bfd4f2", ""),
    ("customer-hooli", "bfd4f2", ""),
    ("customer-wonka", "bfd4f2", ""),
    ("customer-tyrell", "bfd4f2", ""),
    ("customer-soylent", "bfd4f2", ""),
    ("customer-vandelay", "bfd4f2", ""),
    ("dependencies", "0366d6", "Pull requests that update a dependency file"),
    ("go", "16e2e2", "Pull requests that update Go code"),
    ("javascript", "168700", "Pull requests that update Javascript code"),
    ("github_actions", "000000", "Pull requests that update GitHub Actions code"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("question", "d876e3", "Further information is requested"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("~feature fest", "fef2c0", "Will be reviewed at the next feature fest"),
    ("~frontend", "c5def5", "Frontend-related issue."),
    ("~backend", "c5def5", "Backend-related issue."),
    ("~dogfood", "d4c5f9", "Found on the dogfood instance"),
    ("~qa", "e99695", "Found by QA Wolf or release QA"),
    ("~flaky test", "f9d0c4", "A test that fails intermittently"),
    ("#agent", "0052cc", "fleetd, orbit and osquery agent work"),
]
CUSTOMERS = [name for name, _, _ in LABELS if name.startswith("customer-")]

COMMUNITY = [
    "jdoe-sre", "macadmin42", "acme-itadmin", "kdavies", "pkrueger-ops", "linuxlars",
    "sarah-secops", "tbauer", "mfrancois", "devopsdan", "rkumar-it", "ehansen",
    "cloudnative-cat", "bwilliams88", "hguerrero", "osquery-fan", "jmartinez-it",
    "vkozlov", "amelie-m", "chromeos-admin", "nkhan", "zhangwei-dev", "pgrant", "lnovak",
    "itops-rob", "fleet-user-7", "dmitchell", "sysadmin-sue", "ajohnson-eng", "clouduser",
    "twong", "mpatel-sre", "ggarcia", "helm-hacker", "winadmin-jo", "ubuntu-ursula",
    "secureops-sam", "rbrown-mdm", "ksmith2", "opsjunkie",
]  # fmt: skip

REPORTERS = [
    "bjorn-it", "cmendes", "dpark-corp", "eng-lisa", "fabio-mac", "gsingh", "hanna-k",
    "ivan-ops", "jules-admin", "kimlee", "lukasz-w", "mariag", "nate-endpoint", "olu-sec",
    "paulina-it", "qiang-l", "renee-b", "stefan-h", "tara-mdm", "uday-k", "vera-ops",
    "will-edu", "xavier-m", "yasmin-it", "zoe-campus", "helpdesk-hq", "k12-techlead",
    "hospital-it-ana", "bank-secops", "retail-itops",
]  # fmt: skip

# fmt: off
GROUP_TOPICS: dict[str, dict[str, list[str]]] = {
    "#g-mdm": {
        "subjects": [
            "Setup experience", "Windows MDM enrollment", "FileVault key escrow",
            "Configuration profiles", "DDM declarations", "OS updates", "Remote lock",
            "Remote wipe", "ABM token renewal", "VPP app installs", "iPadOS enrollment",
            "Bootstrap package", "End user authentication", "Recovery lock",
            "Disk encryption status", "Automatic enrollment profile",
        ],
        "features": [
            "custom enrollment profiles for ADE", "Android work profile enrollment",
            "Platform SSO", "DDM-based software updates", "recovery lock passwords",
            "bulk resend of configuration profiles", "Linux disk encryption key escrow",
            "iPadOS shared mode", "Windows Autopilot", "account-driven user enrollment",
            "per-host configuration profile variables", "macOS setup experience scripts",
        ],
    },
    "#g-software": {
        "subjects": [
            "Software installer upload", "Self-service install", "Vulnerable software list",
            "Fleet-maintained apps", "Uninstall script", "Software inventory",
            "Policy automation install", "Custom package pre-install query", "App Store apps",
            "Software titles count", "Software version list", "Install retries", "Software icons",
            "Package metadata extraction",
        ],
        "features": [
            "Fleet-maintained apps for Windows", "patch policies", "automatic install retries",
            "scripts as software packages", "custom icons for self-service",
            "version pinning for App Store apps", "Chocolatey packages",
            "software categories in self-service", "uninstall from the My device page",
            "install software during setup experience on Windows", "tarball packages for Linux",
            "software title search by bundle identifier",
        ],
    },
    "#g-orchestration": {
        "subjects": [
            "fleetctl gitops", "Live query results", "Host vitals", "Script execution",
            "Manual labels", "Activity feed", "Failing policy webhook", "Team filter",
            "Calendar events", "Orbit update", "Query reports", "Host search", "fleetd enrollment",
            "osquery flag validation", "Host expiry",
        ],
        "features": [
            "GitOps mode in the UI", "query reports for all teams", "host vitals for Chromebooks",
            "custom host identifiers", "script batches", "label-based scoping for queries",
            "webhooks for host status changes", "fleetd for Linux ARM", "host last seen filters",
            "saved host table views", "query scheduling per label", "GitOps dry-run diffs",
        ],
    },
    "#g-security-compliance": {
        "subjects": [
            "CIS benchmark policies", "SSO login", "API-only user permissions", "Audit log",
            "SCIM user sync", "Conditional access", "Password reset", "Two-factor prompt",
            "Kernel vulnerability scan", "Script secrets", "Certificate deployment",
            "Session expiry", "NVD feed processing", "CVE severity scores",
        ],
        "features": [
            "SCIM user provisioning", "conditional access with Entra ID",
            "FIPS-compatible builds", "CIS benchmarks for Windows 11 25H2",
            "API tokens with expiry", "audit log streaming to S3",
            "certificate authority integrations", "role for read-only auditors",
            "vulnerability exceptions", "secrets in configuration profiles",
            "Okta conditional access", "EPSS scores for vulnerabilities",
        ],
    },
}
# fmt: on
BUG_SYMPTOMS = [
    "shows the wrong status",
    "fails silently",
    "is stuck in Pending",
    "returns a 500 error",
    "is not updated after refetch",
    "shows a blank page",
    "times out",
    "ignores the team setting",
    "shows duplicate entries",
    "logs a misleading error",
    "is missing from the activity feed",
    "breaks after upgrading",
    "shows stale data",
    "counts hosts twice",
    "fails validation",
    "cannot be saved",
    "is slow to load",
]  # fmt: skip
BUG_CONTEXTS = [
    "for hosts in a team", "after re-enrollment", "on macOS 15", "on Windows 11",
    "with more than 10,000 hosts", "in Firefox", "when using fleetctl", "via the API",
    "after a host transfers teams", "for API-only users", "on Ubuntu 24.04", "in GitOps mode",
    "for observers", "on iOS 18", "when the team has no hosts", "",
]  # fmt: skip
STORY_VERBS = [
    "Add", "Support", "Add API for", "Add GitOps support for", "Improve", "Add UI for",
    "Allow admins to manage",
]  # fmt: skip
ENGINEERING_STORIES = [
    "Reduce p95 latency of GET /api/v1/fleet/hosts", "Split the MDM integration tests",
    "Remove deprecated software endpoints", "Speed up the vulnerability cron",
    "Upgrade MySQL test matrix to 8.4", "Move async host processing to a dedicated queue",
    "Cache Apple DEP device lookups", "Replace the custom retry package with backoff",
    "Make migrations idempotent on re-run", "Lower memory use of software ingestion",
    "Add tracing to distributed query ingestion", "Consolidate frontend table components",
    "Delete unused feature flags", "Run Go tests with the race detector in CI",
    "Make the calendar cron resumable", "Index host_software by software_id",
]  # fmt: skip
PR_VERBS = ["Fix", "Refactor", "Add tests for", "Clean up", "Speed up", "Update", "Harden"]
PR_COMPONENTS = [
    "host detail query ingestion", "software title sync", "MDM profile reconciler",
    "Apple DEP syncer", "vulnerability cron", "live query websocket", "gitops team apply",
    "activity feed", "osquery distributed read", "policy automation", "calendar webhook",
    "fleetctl preview", "Windows MDM SOAP handler", "cron schedules", "MySQL migrations",
    "software installer storage", "host table", "SSO callback", "script execution",
    "label membership cleanup", "setup experience", "DDM declarations", "SCIM endpoints",
    "fleetd-chrome table", "orbit token rotation", "osquery flag validation",
]  # fmt: skip
DOC_PAGES = [
    "handbook/engineering.md", "handbook/company/product-groups.md", "handbook/product.md",
    "docs/Contributing/guides/releasing-fleet.md", "docs/Configuration/fleet-server.md",
    "docs/REST API/rest-api.md", "handbook/company/why-this-way.md", "docs/Using Fleet/MDM.md",
    "articles/deploy-fleet.md", "handbook/customer-success.md",
]  # fmt: skip
COMMUNITY_PR_TITLES = [
    "Fix typo in {doc}", "Add Helm chart value for {thing}", "Support {distro} in fleetd packaging",
    "Fix nil pointer in {component}", "Document {thing} in {doc}", "Add {distro} to the osquery "
    "targets", "Allow configuring {thing} via environment variable",
]  # fmt: skip
COMMUNITY_ISSUE_TITLES = [
    "fleetd fails to enroll on {distro}", "Feature request: {feature}",
    "Question: how do I configure {thing}?", "{subject} {symptom} {context}",
    "Docs: {doc} is out of date", "Enrollment secret rotation breaks {distro} hosts",
]  # fmt: skip
DISTROS = ["Fedora 41", "Rocky Linux 9", "Debian 12", "Arch Linux", "NixOS", "Amazon Linux 2023"]
THINGS = ["the Redis pool size", "S3 carving", "the MySQL read replica", "TLS for osquery",
          "the server private key", "logging to Kinesis", "the Prometheus endpoint"]  # fmt: skip
GO_DEPENDENCIES = [
    ("golang.org/x/net", (0, 30, 0)), ("golang.org/x/crypto", (0, 28, 0)),
    ("github.com/aws/aws-sdk-go-v2", (1, 30, 1)), ("google.golang.org/grpc", (1, 66, 0)),
    ("github.com/docker/docker", (26, 1, 3)), ("github.com/go-jose/go-jose/v4", (4, 0, 2)),
    ("github.com/golang-jwt/jwt/v4", (4, 5, 0)), ("github.com/quic-go/quic-go", (0, 48, 1)),
]  # fmt: skip
JS_DEPENDENCIES = [
    ("axios", (1, 7, 2)), ("express", (4, 19, 2)), ("webpack", (5, 91, 0)), ("cookie", (0, 6, 0)),
    ("micromatch", (4, 0, 5)), ("nanoid", (3, 3, 7)), ("sails", (1, 5, 11)),
]  # fmt: skip
JS_DIRECTORIES = ["", " in /website", " in /ee/fleetd-chrome", " in /tools/fleetctl-npm"]
ACTIONS = [
    ("actions/checkout", (4, 1, 1)), ("actions/setup-go", (5, 0, 0)),
    ("github/codeql-action", (3, 24, 0)), ("docker/build-push-action", (5, 1, 0)),
    ("actions/upload-artifact", (4, 3, 1)),
]  # fmt: skip
HOURS = list(range(24))
# Activity by UTC hour: most of the team works in the Americas, some in Europe and India.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 10, 12, 12, 12, 11, 10, 9, 8, 6, 4]
