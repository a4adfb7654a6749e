use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the build allocates many short strings on every thread; glibc's allocator spent a
/// sixth of a 10,000-guide build in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    disable_huge_pages();
    purge_sooner();
    let cli = match carnet::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version on stdout with exit 0, usage errors on stderr with 2.
            let _ = err.print();
            return ExitCode::from(err.exit_code().clamp(0, 255) as u8);
        }
    };
    ExitCode::from(carnet::run(cli))
}

/// No transparent huge pages for this process: mimalloc asks for them, and every first touch of
/// a 2 MB page then zeroes all of it; on a 10,000-guide build that zeroing took 7–9 % of the CPU,
/// and the peak memory was 40 MB higher.
#[cfg(target_os = "linux")]
fn disable_huge_pages() {
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and affects only this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn disable_huge_pages() {}

/// mimalloc gives freed memory back to the system 5 ms after it is free, not 10: a build frees
/// much at each stage (the section text once indexed, the noted links once resolved, the search
/// index once written) while the next stage allocates on other threads. On a 10,000-guide build
/// the peak resident memory was 250-264 MiB with 10 ms, 225-227 MiB with 2 ms or 5. With 5 the
/// build makes fewer madvise calls than with 2, for the same peak: on 2026-12-07, 213 MiB with
/// either, 2.22 s against 2.28 s and 2.34 s against 2.42 s of wall time (alternated series of 7).
fn purge_sooner() {
    /// `mi_option_purge_delay`: its place in `mi_option_e`, 15 in both mimalloc v2 and v3
    /// (`mimalloc.h` of libmimalloc-sys 0.1.49, the version Cargo.lock pins, which builds v3;
    /// mimalloc keeps retired options as `deprecated_*` so the places do not move). The crate's
    /// `extended` feature does not name this option, hence the number.
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    const PURGE_DELAY_MS: std::ffi::c_long = 5;
    extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: `mi_option_set(mi_option_t, long)` of the mimalloc linked in by the `mimalloc`
    // crate; it only stores the value, read at each purge.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}
