#!/usr/bin/env bash
# make backup: the database (pg_dump, custom format) and the uploaded files, into one folder
# with checksums. Needs DATABASE_URL (postgres://…) and MEDIA_ROOT; BACKUP_DIR defaults to
# ./backups. Prints the folder it wrote. Inside compose:
#   docker compose run --rm -v "$PWD/backups:/backups" -e BACKUP_DIR=/backups web scripts/backup.sh
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL}"
: "${MEDIA_ROOT:?set MEDIA_ROOT}"
dest="${BACKUP_DIR:-backups}/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
partial="$dest.partial"
mv "$dest" "$partial"

pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial/db.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -czf "$partial/media.tar.gz" .
(cd "$partial" && sha256sum db.dump media.tar.gz > SHA256SUMS)

# Renamed only when complete: a folder without .partial is a whole backup.
mv "$partial" "$dest"
echo "$dest"
