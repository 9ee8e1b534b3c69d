// Where a lab host keeps what the doubles read instead of shared machine state (its own address,
// the NumCPU/Mem knobs, the kubelet fault switch): /etc/tsplay-lab, or the folder named by
// TSPLAY_LAB_PROC_DIR (settable in /etc/default/kubelet). Lab-only; roles never touch it.
export function labDir(): string {
  return process.env['TSPLAY_LAB_PROC_DIR'] || '/etc/tsplay-lab';
}
