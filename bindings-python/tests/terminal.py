"""Runs a command with standard error on a pseudo-terminal 100 columns wide (as a person's
terminal), for the tests of progress bars."""
import fcntl
import os
import pty
import struct
import subprocess
import termios


def stderr_on_a_terminal(args, env=None, timeout=60):
    """Runs ``args``; returns its exit status and what it wrote to the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(args, stderr=slave, stdout=subprocess.DEVNULL, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    status = proc.wait(timeout)
    os.close(master)
    return status, out.decode("utf-8", "replace")
