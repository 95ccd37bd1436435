"""A small terminal line editor for the REPL: highlighting as you type,
history, completion, and output from background tasks printed above the
line being edited.

It runs in a worker thread (Trio owns the main thread) with the terminal in
raw mode, so Ctrl-C and Ctrl-D arrive as keys: Ctrl-C discards the input
(`KeyboardInterrupt`), Ctrl-D on an empty line ends it (`EOFError`).  Keys:
arrows, Home/End, Ctrl-A/E/B/F, Backspace/Delete, Ctrl-K/U/W, Ctrl-L,
Up/Down (history), Tab (complete; twice to list the candidates).  When
stdin is not a terminal, lines are read as they come, without editing.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
import threading

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")


class LineEditor:
    def __init__(self, *, history_path: str | None = None, complete=None, highlight=None,
                 stdin=None, stdout=None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.__stdout__
        self.history_path = history_path
        self.history: list[str] = _load_history(history_path)
        self.complete = complete          # text before the cursor -> [candidates]
        self.highlight = highlight or (lambda text: text)
        self.lock = threading.Lock()      # the terminal: the editor or print_above
        self.active = False
        self.prompt = ""
        self.buffer: list[str] = []
        self.cursor = 0

    # -- reading ------------------------------------------------------------------------

    def read(self, prompt: str) -> str:
        """One line (without its newline), edited on a terminal."""
        if not self.stdin.isatty():
            self._write(prompt)
            line = self.stdin.readline()
            if not line:
                raise EOFError
            return line.rstrip("\n")
        import termios
        import tty

        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setraw(fd, termios.TCSANOW)
            return self._edit(fd, prompt)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def _edit(self, fd: int, prompt: str) -> str:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        with self.lock:
            self.prompt, self.buffer, self.cursor, self.active = prompt, [], 0, True
            self._redraw()
        recalled = len(self.history)
        draft = ""
        tabbed = False
        try:
            while True:
                key = self._key(fd, decoder)
                with self.lock:
                    if key != "\t":
                        tabbed = False
                    if key in ("\r", "\n"):
                        line = "".join(self.buffer)
                        self._write("\r\n")
                        self.active = False
                        self._remember(line)
                        return line
                    if key == "\x03":
                        self._write("^C\r\n")
                        self.active = False
                        raise KeyboardInterrupt
                    if key == "\x04":
                        if not self.buffer:
                            self._write("\r\n")
                            self.active = False
                            raise EOFError
                        self._delete_at_cursor()
                    elif key in ("\x7f", "\x08"):
                        if self.cursor:
                            del self.buffer[self.cursor - 1]
                            self.cursor -= 1
                    elif key in ("\x1b[3~",):
                        self._delete_at_cursor()
                    elif key in ("\x1b[D", "\x02"):
                        self.cursor = max(0, self.cursor - 1)
                    elif key in ("\x1b[C", "\x06"):
                        self.cursor = min(len(self.buffer), self.cursor + 1)
                    elif key in ("\x1b[H", "\x1bOH", "\x1b[1~", "\x01"):
                        self.cursor = 0
                    elif key in ("\x1b[F", "\x1bOF", "\x1b[4~", "\x05"):
                        self.cursor = len(self.buffer)
                    elif key == "\x0b":
                        del self.buffer[self.cursor:]
                    elif key == "\x15":
                        del self.buffer[:self.cursor]
                        self.cursor = 0
                    elif key == "\x17":
                        start = self.cursor
                        while start and self.buffer[start - 1] == " ":
                            start -= 1
                        while start and self.buffer[start - 1] != " ":
                            start -= 1
                        del self.buffer[start:self.cursor]
                        self.cursor = start
                    elif key == "\x0c":
                        self._write("\x1b[H\x1b[2J")
                    elif key in ("\x1b[A", "\x1b[B"):
                        if recalled == len(self.history):
                            draft = "".join(self.buffer)
                        step = -1 if key == "\x1b[A" else 1
                        recalled = min(len(self.history), max(0, recalled + step))
                        text = draft if recalled == len(self.history) else self.history[recalled]
                        self.buffer, self.cursor = list(text), len(text)
                    elif key == "\t":
                        tabbed = self._complete(tabbed)
                    elif key.isprintable():
                        self.buffer[self.cursor:self.cursor] = list(key)
                        self.cursor += len(key)
                    self._redraw()
        finally:
            self.active = False

    def _key(self, fd: int, decoder) -> str:
        """One key: a character, a control character or an escape sequence."""
        first = self._char(fd, decoder)
        if first != "\x1b":
            return first
        second = self._char(fd, decoder)
        if second not in "[O":
            return first + second
        seq = first + second
        while True:
            ch = self._char(fd, decoder)
            seq += ch
            if ch.isalpha() or ch == "~":
                return seq

    @staticmethod
    def _char(fd: int, decoder) -> str:
        while True:
            data = os.read(fd, 1)
            if not data:
                return "\x04"
            text = decoder.decode(data)
            if text:
                return text

    def _delete_at_cursor(self) -> None:
        if self.cursor < len(self.buffer):
            del self.buffer[self.cursor]

    def _complete(self, tabbed: bool) -> bool:
        if self.complete is None:
            return False
        before = "".join(self.buffer[:self.cursor])
        match = WORD.search(before)
        word = match.group(0) if match else ""
        candidates = sorted(set(self.complete(before)))
        if not candidates:
            return False
        common = os.path.commonprefix(candidates)
        if len(common) > len(word):
            insert = common[len(word):]
            self.buffer[self.cursor:self.cursor] = list(insert)
            self.cursor += len(insert)
            return False
        if len(candidates) > 1 and tabbed:
            self._write("\r\n" + "  ".join(candidates) + "\r\n")
        return True

    # -- drawing ----------------------------------------------------------------------------

    def _redraw(self) -> None:
        text = "".join(self.buffer)
        after = len(self.buffer) - self.cursor
        line = "\r" + self.prompt + self.highlight(text) + "\x1b[K"
        if after:
            line += f"\x1b[{after}D"
        self._write(line)

    def _write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def print_above(self, text: str) -> None:
        """Write `text` (from anywhere) above the line being edited."""
        with self.lock:
            if not self.active:
                self._write(text)
                return
            self._write("\r\x1b[K" + text.replace("\n", "\r\n"))
            if not text.endswith("\n"):
                self._write("\r\n")
            self._redraw()

    # -- history ------------------------------------------------------------------------------

    def _remember(self, line: str) -> None:
        if not line.strip() or (self.history and self.history[-1] == line):
            return
        self.history.append(line)
        if self.history_path:
            try:
                with open(self.history_path, "a", encoding="utf-8") as f:
                    f.write(line.replace("\\", "\\\\").replace("\n", "\\n") + "\n")
            except OSError:
                self.history_path = None   # not writable: keep it in memory only


def _load_history(path: str | None, keep: int = 1000) -> list[str]:
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()[-keep:]
    except (OSError, UnicodeDecodeError):
        return []
    return [_unescape(line) for line in lines]


def _unescape(line: str) -> str:
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            out.append("\n" if line[i + 1] == "n" else line[i + 1])
            i += 2
        else:
            out.append(line[i])
            i += 1
    return "".join(out)
