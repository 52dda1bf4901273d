//! The simulator's listener. Every connection's writes pass through [`Io`], which puts an
//! interim `103 Early Hints` response before each answer while the `informational` fault is on
//! (the web framework has no way to send a 1xx itself).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::Shared;

const EARLY_HINTS: &[u8] = b"HTTP/1.1 103 Early Hints\r\nlink: </hints.css>; rel=preload\r\n\r\n";

/// Accepts connections as `TcpListener` does, each wrapped in an [`Io`].
pub(crate) struct Listener {
    pub(crate) inner: TcpListener,
    pub(crate) shared: Arc<Shared>,
}

impl axum::serve::Listener for Listener {
    type Io = Io;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Io, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (Io { stream, shared: self.shared.clone(), interim_left: &[], sent_for_head: false }, addr);
                }
                // Out of descriptors and the like: wait and try again (as axum's own listener).
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection; see the module's documentation.
pub(crate) struct Io {
    stream: TcpStream,
    shared: Arc<Shared>,
    /// What is left to write of the interim response.
    interim_left: &'static [u8],
    /// Whether the interim response was written for the answer head being written now.
    sent_for_head: bool,
}

impl AsyncRead for Io {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Io {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // An answer's head starts a write (hyper writes each head at the start of its buffer).
        let is_head = buf.starts_with(b"HTTP/1.1 ") && !buf.starts_with(b"HTTP/1.1 1");
        if is_head && !this.sent_for_head && this.shared.faults.lock().unwrap().faults.informational {
            this.interim_left = EARLY_HINTS;
            this.sent_for_head = true;
        }
        while !this.interim_left.is_empty() {
            match Pin::new(&mut this.stream).poll_write(cx, this.interim_left) {
                Poll::Ready(Ok(n)) => this.interim_left = &this.interim_left[n..],
                other => return other,
            }
        }
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        if written.is_ready() {
            this.sent_for_head = false;
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
