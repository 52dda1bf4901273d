//! A JS `AbortSignal` firing the core's cancel; its listener is removed when the watch is
//! dropped, so one signal reused for many calls does not pile up listeners.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use webex_emergency::bulk::Cancel;

/// Fires `cancel` when `signal` aborts (at once if it has); keep it for as long as the work runs.
pub(crate) struct AbortWatch {
    signal: web_sys::AbortSignal,
    listener: Option<Closure<dyn FnMut()>>,
    /// What the signal fires.
    pub(crate) cancel: Cancel,
}

impl AbortWatch {
    pub(crate) fn new(signal: web_sys::AbortSignal) -> Self {
        let cancel = Cancel::new();
        if signal.aborted() {
            cancel.fire();
            return AbortWatch { signal, listener: None, cancel };
        }
        let fire = cancel.clone();
        let listener = Closure::<dyn FnMut()>::new(move || fire.fire());
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_once(true);
        let _ = signal.add_event_listener_with_callback_and_add_event_listener_options("abort", listener.as_ref().unchecked_ref(), &opts);
        AbortWatch { signal, listener: Some(listener), cancel }
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            let _ = self.signal.remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        }
    }
}
