"""Running as a kiosk service on the Pi: systemd, the health page, udev, the safe shutdown."""
