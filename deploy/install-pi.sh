#!/usr/bin/env bash
# Install "Connecte tes neurones" as a kiosk service on Raspberry Pi OS (bookworm, Lite).
# Run as root from a copy of the repository:   sudo deploy/install-pi.sh
# Safe to run again after an update: every step checks or overwrites its own files.
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

say "3/8 program files in $PREFIX"
mkdir -p "$PREFIX"
if [ "$SOURCE" != "$PREFIX" ]; then
    # This museum's layout (data/installation.toml) is edited on the Pi: an update keeps it.
    rsync -a --delete --exclude .venv --exclude .git --exclude '__pycache__' \
        --exclude /data/installation.toml "$SOURCE"/ "$PREFIX"/
    if [ ! -e "$PREFIX/data/installation.toml" ]; then
        install -m 0644 "$SOURCE/data/installation.toml" "$PREFIX/data/installation.toml"
    fi
fi

say "4/8 Python environment (builds pygame against Debian's SDL2: a few minutes)"
# --system-site-packages lets gpiozero find Debian's lgpio module.
python3 -m venv --system-site-packages "$PREFIX/.venv"
"$PREFIX/.venv/bin/pip" install --quiet --upgrade pip
PIP_NO_BINARY=pygame "$PREFIX/.venv/bin/pip" install --quiet -e "$PREFIX"
chown -R root:root "$PREFIX"

say "5/8 udev rules (stations by USB serial, ModemManager kept off them)"
install -m 0644 "$PREFIX/deploy/70-neurones.rules" /etc/udev/rules.d/70-neurones.rules
udevadm control --reload
udevadm trigger --subsystem-match=tty
if systemctl list-unit-files ModemManager.service >/dev/null 2>&1; then
    # The udev rule already tells it to keep off; a kiosk has no modem, so stop it for good.
    systemctl disable --now ModemManager.service || true
    systemctl mask ModemManager.service || true
fi

say "6/8 safe shutdown from the leader console (polkit rule)"
install -d -m 0755 /etc/polkit-1/rules.d
install -m 0644 "$PREFIX/deploy/50-neurones-poweroff.rules" \
    /etc/polkit-1/rules.d/50-neurones-poweroff.rules

say "7/8 journal kept across reboots, boot to the console (no desktop)"
mkdir -p /var/log/journal
systemd-tmpfiles --create --prefix /var/log/journal
systemctl set-default multi-user.target

say "8/8 the kiosk service"
install -m 0644 "$PREFIX/deploy/neurones.service" /etc/systemd/system/neurones.service
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
      sudo $PREFIX/.venv/bin/neurones diagnose --udev-rules \\
          | sudo tee /etc/udev/rules.d/71-neuron-stations.rules
      sudo udevadm control --reload && sudo udevadm trigger --subsystem-match=tty
  - calibrate the sliders: turn the key to "technician", or stop the service and run
      sudo systemctl stop neurones && sudo -u $SERVICE_USER $PREFIX/.venv/bin/neurones calibrate
  - logs: journalctl -u neurones -f      health: curl 127.0.0.1:8765/health
EOF
