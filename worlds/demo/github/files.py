"""The files the dependency checks read at `main`, as the demo mirror stores them."""

from __future__ import annotations

import datetime as dt
import hashlib

from fleetops.github.models import FileContent, Repository

GO_MOD = """module github.com/fleetdm/fleet/v4

go {go}

require (
\tcloud.google.com/go/pubsub v1.45.3
\tfyne.io/systray v1.11.0
\tgithub.com/AbGuthrie/goquery/v2 v2.0.1
\tgithub.com/DATA-DOG/go-sqlmock v1.5.2
\tgithub.com/Masterminds/semver/v3 v3.3.1
\tgithub.com/WatchBeam/clock v0.0.0-20170901150240-b08e6b4da7ea
\tgithub.com/aws/aws-sdk-go-v2 v1.36.3
\tgithub.com/beevik/etree v1.5.0
\tgithub.com/boltdb/bolt v1.3.1
\tgithub.com/cenkalti/backoff/v4 v4.3.0
\tgithub.com/go-kit/kit v0.12.0
\tgithub.com/go-sql-driver/mysql v1.9.3
\tgithub.com/gomodule/redigo v1.9.2
\tgithub.com/google/uuid v1.6.0
\tgithub.com/gorilla/mux v1.8.1
\tgithub.com/gorilla/websocket v1.5.3
\tgithub.com/jmoiron/sqlx v1.4.0
\tgithub.com/macadmins/osquery-extension {extension}
\tgithub.com/micromdm/nanodep v0.5.0
\tgithub.com/osquery/osquery-go v0.0.0-20250131154556-629f995b6947
\tgithub.com/prometheus/client_golang v1.22.0
\tgithub.com/rs/zerolog v1.34.0
\tgithub.com/spf13/cobra v1.9.1
\tgithub.com/stretchr/testify v1.10.0
\tgithub.com/theupdateframework/go-tuf v0.7.0
\tgo.opentelemetry.io/otel v1.35.0
\tgolang.org/x/crypto v0.42.0
\tgolang.org/x/net v0.44.0
\tgolang.org/x/sync v0.17.0
\tgoogle.golang.org/grpc v1.72.0
\tgopkg.in/yaml.v2 v2.4.0
)

require (
\tgithub.com/beorn7/perks v1.0.1 // indirect
\tgithub.com/cespare/xxhash/v2 v2.3.0 // indirect
\tgithub.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc // indirect
\tgithub.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2 // indirect
\tgolang.org/x/sys v0.36.0 // indirect
\tgolang.org/x/text v0.29.0 // indirect
)

replace github.com/kolide/kit => github.com/zwass/kit v0.0.0-20210625184505-ec5b5c5cce9c
"""

OSQUERYD_WORKFLOW = """name: Generate osqueryd targets for Fleet

on:
  push:
    branches:
      - main
    paths:
      # The workflow can be triggered by modifying OSQUERY_VERSION env.
      - '.github/workflows/generate-osqueryd-targets.yml'
  pull_request:
    paths:
      # The workflow can be triggered by modifying OSQUERY_VERSION env.
      - '.github/workflows/generate-osqueryd-targets.yml'
  workflow_dispatch:

# This allows a subsequently queued workflow run to interrupt previous runs
concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.head_ref || github.run_id }}}}
  cancel-in-progress: true

defaults:
  run:
    # fail-fast using bash -eo pipefail.
    shell: bash

permissions:
  contents: read

env:
  OSQUERY_VERSION: {osquery}

jobs:
  generate-macos:
    runs-on: macos-14
    steps:
      - name: Checkout
        uses: actions/checkout@v4

      - name: Generate osqueryd.app.tar.gz
        run: |
          make osqueryd-app-tar-gz version=$OSQUERY_VERSION out-path=.

      - name: Upload osqueryd.app.tar.gz
        uses: actions/upload-artifact@v4
        with:
          name: osqueryd.app.tar.gz
          path: osqueryd.app.tar.gz

  generate-linux:
    runs-on: ubuntu-latest
    steps:
      - name: Download and extract osqueryd
        run: |
          mkdir ./osqueryd
          curl -L --output osquery.deb \\
            "https://github.com/osquery/osquery/releases/download/$OSQUERY_VERSION/osquery_$OSQUERY_VERSION-1.linux_amd64.deb"
          ar x osquery.deb
          tar xf data.tar.gz

      - name: Upload osqueryd
        uses: actions/upload-artifact@v4
        with:
          name: osqueryd
          path: opt/osquery/bin/osqueryd
"""


def blob_sha(text: str) -> str:
    """Git's blob id of the file (what the contents endpoint reports as `sha`)."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def file_store(repository: Repository, path: str, text: str, now: dt.datetime) -> None:
    sha = blob_sha(text)
    FileContent.objects.update_or_create(
        repository=repository,
        ref="main",
        path=path,
        defaults={"blob_sha": sha, "etag": f'W/"{sha}"', "text": text, "fetched_at": now},
    )
