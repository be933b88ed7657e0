# shellcheck shell=sh disable=SC2154,SC2034
# torch-config.sh - sourced by bench/lenet5.sh and bench/time-to-99.sh:
# PyTorch's configuration for a bench, from TORCH or from the probe.
#
#   torch_config INDENT PROBE_FLAGS...
#
# With TORCH set (e.g. TORCH="OMP_WAIT_POLICY=PASSIVE --threads 2"), its
# NAME=VALUE words become t_env and the others t_flags. Otherwise
# "$PYTHON" "$peer" --probe PROBE_FLAGS... times the obvious
# configurations, its report is printed (each line after INDENT), and
# its choice fills t_env and t_flags. Needs PYTHON, peer, tmp and die()
# from the calling script.
torch_config() {
    indent=$1
    shift
    if [ -n "${TORCH:-}" ]; then
        t_env=$(echo "$TORCH" | tr ' ' '\n' | grep '=' | tr '\n' ' ')
        t_flags=$(echo "$TORCH" | tr ' ' '\n' | grep -v '=' | tr '\n' ' ')
        echo "${indent}PyTorch configuration from TORCH: $TORCH"
    else
        "$PYTHON" "$peer" --probe "$@" > "$tmp/probe" \
            || die "the PyTorch probe failed"
        sed "s/^/$indent/" "$tmp/probe"
        t_env=$(sed -n 's/^choice env: //p' "$tmp/probe")
        t_flags=$(sed -n 's/^choice flags: //p' "$tmp/probe")
    fi
}
