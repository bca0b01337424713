"""The product repository's engineering rituals file, copy-shaped, with its hand-written quirks.

Shaped like `handbook/engineering/engineering.rituals.yml` in fleetdm/fleet: trailing spaces,
empty values, unquoted URLs, typographic quotes, a frequency in lower case with a trailing
space, an event-driven frequency ("Every patch release"), an entry without `startedOn` and
one with a date that does not exist (2024-02-30): those two are reported, the others load.
"""

from __future__ import annotations

RITUALS_PATH = "handbook/engineering/engineering.rituals.yml"

# Trailing spaces are part of the file: keep them (the editor config strips nothing here).
RITUALS_YML = (
    "# Engineering rituals. Edit with care: https://fleetdm.com/handbook/company/rituals\n"
    "-\n"
    '  task: "Pull request review"\n'
    '  startedOn: "2023-08-09"\n'
    '  frequency: "Daily"\n'
    '  description: "Engineers go through pull requests for which their review has been '
    'requested."\n'
    '  moreInfoUrl: "https://fleetdm.com/handbook/company/communications#pull-requests"\n'
    '  dri: "eng-eli"\n'
    "-\n"
    '  task: "Engineering leadership weekly"   \n'
    '  startedOn: "2024-01-02"\n'
    '  frequency: "weekly "\n'
    '  description: "Engineering managers meet to discuss the “state of the union” of each '
    'product group."\n'
    "  moreInfoUrl: \n"
    '  dri: "lukeheath"\n'
    "-\n"
    '  task: "Oncall handoff"\n'
    '  startedOn: "2024-01-08"\n'
    '  frequency: "Weekly"\n'
    '  description: "Hand off the on-call engineering responsibilities to the next on-call '
    'engineer."\n'
    "  moreInfoUrl: https://fleetdm.com/handbook/engineering#how-to-reach-the-oncall-engineer\n"
    '  dri: "sw-sam"\n'
    "-\n"
    '  task: "Bug review"\n'
    "  startedOn: 2024-02-13\n"
    '  frequency: "Biweekly"\n'
    '  description: "Review bugs that are in QA\'s inbox, with the product designer."\n'
    '  moreInfoUrl: ""\n'
    '  dri: "qa-quinn"\n'
    "-\n"
    '  task: "Release ritual"\n'
    '  startedOn: "2024-03-06"\n'
    '  frequency: "Triweekly"\n'
    '  description: "Go through the process of releasing the next iteration of Fleet."\n'
    '  moreInfoUrl: "https://fleetdm.com/handbook/engineering#release-fleet"\n'
    '  dri: "lukeheath"\n'
    "  autoIssue:\n"
    '    labels: [ "#g-mdm", ":release" ]\n'
    '    repo: "fleet"\n'
    "-\n"
    '  task: "Create patch release branch"\n'
    '  startedOn: "2024-03-06"\n'
    '  frequency: "Every patch release"\n'
    '  description: "Cherry-pick the fixes from the previous tag into rc-patch-fleet-vX."\n'
    "  moreInfoUrl: https://fleetdm.com/handbook/engineering#create-patch-release-branch\n"
    '  dri: "lukeheath"\n'
    "-\n"
    "  task: “Monthly dependency review”\n"
    '  startedOn: "2024-01-31"\n'
    '  frequency: "Monthly"\n'
    '  description: "Check the versions of Go, osquery and the macadmins-extension."\n'
    '  moreInfoUrl: "https://fleetdm.com/handbook/engineering#confirm-latest-versions-of-'
    'dependencies"\n'
    '  dri: "mdm-maria"\n'
    "  autoIssue:\n"
    "    labels: [ ':product', 'bug ' ]\n"
    "    repo: fleet\n"
    "-\n"
    '  task: "Quarterly grand review"\n'
    '  frequency: "Quarterly"\n'
    '  description: "Review the engineering KPIs of the quarter."\n'
    '  moreInfoUrl: ""\n'
    '  dri: "lukeheath"\n'
    "-\n"
    '  task: "Renew MDM certificate signing request (CSR)"\n'
    '  startedOn: "2024-02-29"\n'
    '  frequency: "Annually"\n'
    '  description: "The APNs certificate expires a year after it is made: renew it before."\n'
    '  moreInfoUrl: "https://fleetdm.com/docs/using-fleet/mdm-setup#apple-push-notification-'
    'service-apns"\n'
    '  dri: "mdm-maria"\n'
    "  autoIssue:\n"
    '    labels: [ "#g-mdm", "~annual renewal" ]\n'
    '    repo: "fleet"\n'
    "-\n"
    '  task: "Rotate the signing keys"\n'
    '  startedOn: "2024-02-30"\n'
    '  frequency: "Annually"\n'
    '  description: "Rotate the TUF signing keys."\n'
    '  moreInfoUrl: ""\n'
    '  dri: "eng-eli"\n'
)
