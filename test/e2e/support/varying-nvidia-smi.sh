#!/bin/sh
# Like test/fixtures/nvidia-smi/fake-nvidia-smi, but utilisation, memory and power follow the clock,
# so GPU charts in the console screenshots show movement instead of flat lines.
for arg in "$@"; do
  case "$arg" in
    --query-compute-apps=*) cat "${GANTRY_FAKE_SMI_APPS:-/dev/null}"; exit 0 ;;
  esac
done
if [ -z "$GANTRY_FAKE_SMI_GPUS" ]; then
  echo "No devices were found"
  exit 6
fi
awk -F', ' -v OFS=', ' 'BEGIN { srand(); t = srand() }
{
  phase = t / 7 + NR * 1.7
  util = int(50 + 45 * sin(phase))
  used = int($4 * (0.35 + 0.3 * (1 + sin(phase / 3))))
  $5 = used; $6 = $4 - used; $7 = util; $9 = sprintf("%.2f", 80 + util * 5.5)
  print
}' "$GANTRY_FAKE_SMI_GPUS"
