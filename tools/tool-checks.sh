# shellcheck shell=bash
# tools/tool-checks.sh - checks shared by tools/deps and tools/doctor
# (sourced, not run): one definition of "this tool is usable", so the
# installer and the doctor never disagree.

have_bochs_sdl() {
    local d
    for d in /usr/lib/*/bochs/plugins /usr/lib/bochs/plugins /usr/local/lib/bochs/plugins; do
        ls "$d"/libbx_sdl2*.so* >/dev/null 2>&1 && return 0
    done
    return 1
}

have_python() {
    command -v python3 >/dev/null &&
        python3 -c 'import sys; sys.exit(sys.version_info < (3, 7))' 2>/dev/null
}

# grub_mkrescue: print the grub-mkrescue command that makes i386-pc (BIOS)
# images, exit 1 when there is none.  GRUB_MKRESCUE= names one; otherwise
# Debian's grub-mkrescue when its i386-pc modules (grub-pc-bin) are
# installed, then Homebrew's i686-elf-grub-mkrescue (brew install
# i686-elf-grub) and i386-elf-grub-mkrescue.  grader/emulators.py's
# grub_mkrescue() tries the same names in the same order (tools/test-platforms
# checks that both agree).
grub_mkrescue() {
    local c
    if [ -n "${GRUB_MKRESCUE:-}" ]; then
        command -v "$GRUB_MKRESCUE" >/dev/null 2>&1 && echo "$GRUB_MKRESCUE"
        return
    fi
    if command -v grub-mkrescue >/dev/null 2>&1 && [ -d /usr/lib/grub/i386-pc ]; then
        echo grub-mkrescue
        return 0
    fi
    for c in i686-elf-grub-mkrescue i386-elf-grub-mkrescue; do
        if command -v "$c" >/dev/null 2>&1; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

# grub_mkimage MKRESCUE: print the grub-mkimage of the same GRUB (the name
# with "mkrescue" replaced by "mkimage": grub-mkimage, i686-elf-grub-mkimage,
# or the file beside GRUB_MKRESCUE=), exit 1 when there is none.  The
# grader makes its own core image with it (grader/emulators.py,
# grub_mkimage(), the same rule).
grub_mkimage() {
    local m
    case $1 in
    *mkrescue*) m="${1%mkrescue*}mkimage${1##*mkrescue}" ;;
    *) return 1 ;;
    esac
    command -v "$m" >/dev/null 2>&1 && echo "$m"
}

# is_macos: true on macOS (where tools/deps prints a brew command instead
# of running apt-get)
is_macos() {
    [ "$(uname -s 2>/dev/null)" = Darwin ]
}
