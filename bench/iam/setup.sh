# Sourced by diff.sh and run.sh: installs the oracle and the managed-policies
# file into $tmp unless the environment already names them. Needs $tmp,
# $repo and $oracle_src; sets $oracle_dir and $managed.

if [ -n "${ORACLE_DIR:-}" ] && [ -d "$ORACLE_DIR/node_modules/@cloud-copilot/iam-simulate" ]; then
  oracle_dir="$ORACLE_DIR"
else
  oracle_dir="$tmp/oracle"
  mkdir -p "$oracle_dir"
  cp "$oracle_src/package.json" "$oracle_src/package-lock.json" "$oracle_dir/"
  echo "installing the oracle (npm ci) into $oracle_dir ..." >&2
  (cd "$oracle_dir" && npm ci --omit=dev --no-audit --no-fund --silent) >&2
fi

managed="${MOAT_MANAGED_POLICIES:-}"
if [ -z "$managed" ]; then
  managed="$tmp/managed-policies.json"
  "$repo/tools/managed-policies/build.sh" "$managed" >&2
fi
[ -f "$managed" ] || { echo "$(basename "$0"): managed-policies file $managed not found" >&2; exit 1; }
