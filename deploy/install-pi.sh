#!/usr/bin/env bash
# Install "Connecte tes neurones" as a kiosk service on Raspberry Pi OS (bookworm, Lite).
# Run as root from a copy of the repository:   sudo deploy/install-pi.sh
# Safe to run again: every step checks or overwrites its own files (it then installs this copy
# as a new release without checking it; deploy/update.sh is the update that can switch back).
# What each step does and why: docs/install-pi.md.
set -euo pipefail

PREFIX=/opt/neurones       # where the program lives
SERVICE_USER=neurones      # who runs it (no login, no password)
START=yes

usage() {
    echo "usage: sudo $0 [--prefix DIR] [--no-start]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX="$2"; shift 2 ;;
        --no-start) START=no; shift ;;
        *) usage ;;
    esac
done

SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
say() { printf '\n==> %s\n' "$*"; }

[ "$(id -u)" -eq 0 ] || { echo "run me with sudo" >&2; exit 1; }

say "1/8 Debian packages (Python, SDL2 with KMS/DRM to build pygame against, GPIO)"
apt-get update
# pygame's own wheels bundle an SDL2 without the KMS/DRM video driver, so pygame is built
# against Debian's SDL2 instead (step 4); lgpio is what gpiozero uses on Pi 5 / bookworm.
apt-get install -y --no-install-recommends \
    python3 python3-venv python3-dev build-essential pkg-config rsync \
    libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libsdl2-mixer-dev \
    libfreetype-dev libportmidi-dev libjpeg-dev libpng-dev \
    python3-lgpio curl

say "2/8 service user '$SERVICE_USER'"
if ! id "$SERVICE_USER" >/dev/null 2>&1; then
    useradd --system --home-dir "$PREFIX" --shell /usr/sbin/nologin "$SERVICE_USER"
fi
for group in dialout video render input gpio spi i2c; do
    if getent group "$group" >/dev/null; then usermod -aG "$group" "$SERVICE_USER"; fi
done

say "3/8 the program: a release in $PREFIX/releases/, with its Python environment (pygame built against Debian's SDL2: a few minutes)"
# Releases side by side, the service running the one $PREFIX/current points to: updates
# (deploy/update.sh) install the next beside it and can switch back. This museum's layout,
# data/installation.toml, is edited on the Pi: each new release is given the running one's.
mkdir -p "$PREFIX"
cd "$SOURCE"
python3 -m controller.kiosk.update "$SOURCE" --prefix "$PREFIX" --switch-only
chown -R root:root "$PREFIX"

say "4/8 a Pi installed before releases: its program files moved aside"
if [ "$SOURCE" != "$PREFIX" ] && [ -d "$PREFIX/.venv" ]; then
    # Its data/installation.toml went into the release above; the rest is kept, not used.
    mkdir -p "$PREFIX/before-releases"
    for old in .venv controller display data deploy docs firmware tests pyproject.toml README.md \
        connecte_tes_neurones.egg-info; do
        if [ -e "$PREFIX/$old" ]; then mv "$PREFIX/$old" "$PREFIX/before-releases/"; fi
    done
fi

say "5/8 udev rules (stations by USB serial, ModemManager kept off them)"
install -m 0644 "$PREFIX/current/deploy/70-neurones.rules" /etc/udev/rules.d/70-neurones.rules
udevadm control --reload
udevadm trigger --subsystem-match=tty
if systemctl list-unit-files ModemManager.service >/dev/null 2>&1; then
    # The udev rule already tells it to keep off; a kiosk has no modem, so stop it for good.
    systemctl disable --now ModemManager.service || true
    systemctl mask ModemManager.service || true
fi

say "6/8 safe shutdown from the leader console (polkit rule)"
install -d -m 0755 /etc/polkit-1/rules.d
install -m 0644 "$PREFIX/current/deploy/50-neurones-poweroff.rules" \
    /etc/polkit-1/rules.d/50-neurones-poweroff.rules

say "7/8 journal kept across reboots, boot to the console (no desktop)"
mkdir -p /var/log/journal
systemd-tmpfiles --create --prefix /var/log/journal
systemctl set-default multi-user.target

say "8/8 the kiosk service"
install -m 0644 "$PREFIX/current/deploy/neurones.service" /etc/systemd/system/neurones.service
if [ "$PREFIX" != /opt/neurones ]; then
    sed -i "s#/opt/neurones#$PREFIX#g" /etc/systemd/system/neurones.service
fi
systemd-analyze verify /etc/systemd/system/neurones.service
systemctl daemon-reload
systemctl enable neurones.service
if [ "$START" = yes ]; then
    systemctl restart neurones.service
    sleep 5
    curl --silent --show-error http://127.0.0.1:8765/health && echo
fi

cat <<EOF

Installed. Next:
  - plug every station in, then name them:
      sudo $PREFIX/current/.venv/bin/neurones diagnose --udev-rules \\
          | sudo tee /etc/udev/rules.d/71-neuron-stations.rules
      sudo udevadm control --reload && sudo udevadm trigger --subsystem-match=tty
  - calibrate the sliders: turn the key to "technician", or stop the service and run
      sudo systemctl stop neurones && sudo -u $SERVICE_USER $PREFIX/current/.venv/bin/neurones calibrate
  - logs: journalctl -u neurones -f      health: curl 127.0.0.1:8765/health
  - this museum's layout: $PREFIX/current/data/installation.toml
  - later updates: git pull, then sudo deploy/update.sh (switches back if unhealthy)
EOF
