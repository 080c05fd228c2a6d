#!/usr/bin/env bash
# Update the installation on the Pi to this copy of the repository, safely:
#   git pull && sudo deploy/update.sh          (options: --wait SECONDS, --keep N, --prefix DIR)
# The new version is installed beside the running one (/opt/neurones/releases/), the service
# switched to it and restarted; if its health page does not say "ok" within a minute, the
# service goes back to the release that was running. The logic, and what "ok" means when a
# station is out for repair, are in controller/kiosk/update.py; docs/install-pi.md, "Updating".
# A version that changes the service file or the udev rules is installed with install-pi.sh.
set -euo pipefail

SOURCE="$(cd "$(dirname "$0")/.." && pwd)"

[ "$(id -u)" -eq 0 ] || { echo "run me with sudo" >&2; exit 1; }
if [ "$(findmnt -n -o FSTYPE /)" = overlay ]; then
    # With the overlay file system on, everything written to / is lost at the next reboot.
    echo "the root file system is read-only (overlay): turn it off first, see" \
        "docs/install-pi.md, \"Updating with the read-only root\"" >&2
    exit 1
fi
cd "$SOURCE"
exec python3 -m controller.kiosk.update "$SOURCE" "$@"
