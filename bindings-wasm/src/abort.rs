//! A JS `AbortSignal` as a future; its listener is removed when the watch is dropped, so one
//! signal reused for many calls does not pile up listeners.

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

pub(crate) struct AbortWatch {
    signal: web_sys::AbortSignal,
    listener: Option<Function>,
    /// Resolves when the signal fires (at once if it already has).
    pub(crate) fired: JsFuture,
}

impl AbortWatch {
    pub(crate) fn new(signal: web_sys::AbortSignal) -> Self {
        let mut listener = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            if signal.aborted() {
                let _ = resolve.call0(&JsValue::NULL);
                return;
            }
            let opts = web_sys::AddEventListenerOptions::new();
            opts.set_once(true);
            let _ = signal.add_event_listener_with_callback_and_add_event_listener_options("abort", &resolve, &opts);
            listener = Some(resolve);
        });
        AbortWatch { signal, listener, fired: JsFuture::from(promise) }
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            let _ = self.signal.remove_event_listener_with_callback("abort", listener);
        }
    }
}
