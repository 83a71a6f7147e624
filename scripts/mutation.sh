#!/usr/bin/env bash
# Mutation testing of the core modules (docs/TESTING.md, "Mutation testing"): mutmut changes the
# code one small step at a time and runs the unit tests that cover the changed function; a change
# no test notices "survived". Then the kill rate per module and in total, and the mutants a review
# named, applied by hand (tools/named_mutants.py).
#
#   bash scripts/mutation.sh                       # all ten modules (setup.cfg [mutmut])
#   bash scripts/mutation.sh nik audit sync/outbox # only these (kiosk/<name>.py)
#   bash scripts/mutation.sh --workers 2 --threshold 90 --survivors
#
# Results stay in mutants/ (never committed); `.venv/bin/mutmut show <mutant>` prints a change,
# `.venv/bin/mutmut browse` walks the survivors. CPU heavy: one worker unless told otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

workers=1
threshold=85
report_flags=()
modules=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers=$2; shift 2 ;;
    --threshold) threshold=$2; shift 2 ;;
    --survivors) report_flags+=(--survivors); shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) name=${1#kiosk/}; modules+=("kiosk/${name%.py}.py"); shift ;;
  esac
done
if [ ${#modules[@]} -eq 0 ]; then
  # The [mutmut] only_mutate list in setup.cfg, one path per line.
  mapfile -t modules < <(.venv/bin/python -c '
import configparser
config = configparser.ConfigParser()
config.read("setup.cfg")
print(config.get("mutmut", "only_mutate").strip())')
fi
for module in "${modules[@]}"; do
  [ -f "$module" ] || { echo "no such module: $module" >&2; exit 2; }
done
if ! [ -x .venv/bin/mutmut ]; then
  echo "mutmut is not installed: .venv/bin/pip install mutmut==3.8.1" >&2
  exit 2
fi

export QT_QPA_PLATFORM=offscreen
# The store's tests need a real Secret Service: a private D-Bus session with an unlocked
# gnome-keyring in a throwaway HOME, as in scripts/test.sh. mutmut runs inside it.
test_home=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-mutation-home-XXXXXX")
trap 'rm -rf "$test_home"' EXIT
HOME="$test_home" dbus-run-session -- bash -c '
  echo -n kiosk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  workers=$1; shift
  status=0
  for module in "$@"; do
    # A long mutmut run leaves the keyring locked for the next one (its daemon is gone and
    # D-Bus starts a fresh, locked one): unlock it again before every module.
    echo -n kiosk-test | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1
    # kiosk/sync/outbox.py -> every mutant of kiosk.sync.outbox (mutmut names them by module)
    dotted=${module%.py}; dotted=${dotted//\//.}
    started=$SECONDS
    log=mutants/mutation-${dotted}.log
    echo "== $module (full output: $log)"
    mkdir -p mutants
    # The store keeps its device keys in a file for these runs (KIOSK_KEY_BACKEND=file): the
    # mutants are about logic, and a keyring that goes away mid-run (it has, twice) made every
    # store test fail, which mutmut counts as kills. The keyring tests themselves still use it.
    if KIOSK_KEY_BACKEND=file .venv/bin/mutmut run --max-children "$workers" "$dotted.*" >"$log" 2>&1; then
      tr "\r" "\n" <"$log" | grep -a "mutations/second" || true
    else
      tr "\r" "\n" <"$log" | tail -n 40
      status=1
    fi
    echo "   $module: $((SECONDS - started)) s"
    # A keyring lost during the run (a fresh, locked daemon answers) fails every store test, and
    # mutmut counts those failures as kills: the figure of such a module is worthless, so say so.
    if ! .venv/bin/python -c "import keyring; keyring.set_password(\"kiosk-mutation\", \"probe\", \"ok\");
assert keyring.get_password(\"kiosk-mutation\", \"probe\") == \"ok\"" >/dev/null 2>&1; then
      echo "   $module: THE KEYRING WAS LOST during this run; its kills are not to be trusted." >&2
      echo "   Delete mutants/ and run this module again." >&2
      status=1
    fi
  done
  echo "== the named mutants (tools/named_mutants.py)"
  .venv/bin/python tools/named_mutants.py || status=1
  exit $status' kiosk-mutation "$workers" "${modules[@]}" 2> >(grep -v "Failed to set fd limit" >&2) || named_failed=1

echo
.venv/bin/python tools/mutation_report.py --threshold "$threshold" "${report_flags[@]}" "${modules[@]}"
exit "${named_failed:-0}"
