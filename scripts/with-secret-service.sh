#!/bin/sh
# Runs a command against a real, private Secret Service: a fresh dbus session bus with a
# fresh gnome-keyring (login collection unlocked with a throwaway password), HOME pointed
# at a temporary directory so nothing touches the operator's own keyring. The command sees
# DBUS_SESSION_BUS_ADDRESS and GNOME_KEYRING_CONTROL; everything is torn down when it exits.
#   scripts/with-secret-service.sh npx vitest run tests/integration/keychain
set -eu
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
if [ -z "${PKIDESK_SECRET_SERVICE_INNER:-}" ]; then
  tmp_home=$(mktemp -d "${TMPDIR:-/tmp}/pkidesk-keyring-XXXXXX")
  trap 'rm -rf "$tmp_home"' EXIT INT TERM
  mkdir -p "$tmp_home/run" && chmod 700 "$tmp_home/run"
  status=0
  HOME="$tmp_home" XDG_DATA_HOME="$tmp_home/.local/share" XDG_RUNTIME_DIR="$tmp_home/run" \
    PKIDESK_SECRET_SERVICE_INNER=1 PKIDESK_TEST_HOME="$tmp_home" \
    dbus-run-session -- sh "$0" "$@" || status=$?
  exit "$status"
fi
# gnome-keyring prints GNOME_KEYRING_CONTROL=... (and SSH_AUTH_SOCK when asked); export it.
eval "$(printf '%s' 'pkidesk-test-keyring' | gnome-keyring-daemon --unlock --components=secrets | sed 's/^/export /')"
# Wait until the daemon owns org.freedesktop.secrets on this bus.
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  i=$((i + 1))
  if [ "$i" -gt 50 ]; then
    echo "gnome-keyring-daemon did not register org.freedesktop.secrets" >&2
    exit 1
  fi
  sleep 0.1
done
unset PKIDESK_SECRET_SERVICE_INNER
exec "$@"
