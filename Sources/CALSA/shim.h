// alsa-lib for Swift (the CALSA system-library target).
//
// Swift cannot see the snd_pcm_hw_params_alloca macro: the capture code uses
// snd_pcm_hw_params_malloc/_free instead. Nor can Swift define the variadic C function
// alsa-lib calls for its diagnostics, so the one below lives here.
#ifndef CALLPULSE_CALSA_SHIM_H
#define CALLPULSE_CALSA_SHIM_H

#include <alsa/asoundlib.h>

static void callpulse_alsa_quiet_handler(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

/// Stops alsa-lib from printing its own "ALSA lib pcm.c:…" lines on standard error:
/// callpulse reports every device failure itself, in one line (SPEC "Errors").
static inline void callpulse_alsa_silence_diagnostics(void) {
    snd_lib_error_set_handler(callpulse_alsa_quiet_handler);
}

#endif
