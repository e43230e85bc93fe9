#!/usr/bin/env bash
# make restore BACKUP=backups/<stamp>: check the checksums, restore the database in one
# transaction (all or nothing) and put the uploaded files back. Needs DATABASE_URL and
# MEDIA_ROOT. Stop web, worker and beat first; run migrate afterwards if the code is newer.
set -euo pipefail

src="${1:?usage: restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?set DATABASE_URL}"
: "${MEDIA_ROOT:?set MEDIA_ROOT}"
[ -f "$src/SHA256SUMS" ] || { echo "not a complete backup: $src" >&2; exit 2; }
(cd "$src" && sha256sum --check --quiet SHA256SUMS)

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
    --exit-on-error --dbname="$DATABASE_URL" "$src/db.dump"

# Files: the archive is read through first (checksummed above, listed here), then the folder's
# contents are replaced. MEDIA_ROOT itself stays: in a container it is a mounted volume.
tar -tzf "$src/media.tar.gz" >/dev/null
mkdir -p "$MEDIA_ROOT"
find "$MEDIA_ROOT" -mindepth 1 -delete
tar -C "$MEDIA_ROOT" -xzf "$src/media.tar.gz"
echo "restored $src"
