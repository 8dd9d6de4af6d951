"""bench/spy.py: reading py-spy's raw stacks into the app's busiest functions."""

from __future__ import annotations

from pathlib import Path

from bench import spy
from tests.support import markdown_table

RAW = "".join(
    line + "\n"
    for line in (
        "<module> (uvicorn/__main__.py:4);Runner.run (asyncio/runners.py:118);"
        "EpollSelector.select (selectors.py:468) 50",
        "Thread._bootstrap (threading.py:1002);WorkerThread.run (anyio/_backends/_asyncio.py:1124);"
        "Condition.wait (threading.py:327) 30",
        "Thread._bootstrap (threading.py:1002);create_statement (app/statements/editing.py:142);"
        "save_new (app/statements/forms.py:300);do_execute (sqlalchemy/engine/default.py:1192) 6",
        "Thread._bootstrap (threading.py:1002);create_statement (app/statements/editing.py:150);"
        "fold (app/text.py:25);fold (app/text.py:27) 2",
        "<module> (uvicorn/__main__.py:4);Runner.run (asyncio/runners.py:118);"
        "CrossSiteMiddleware.__call__ (app/web/csrf.py:135) 2",
    )
)


def test_waiting_threads_are_left_out_and_each_app_function_counts_a_sample_once() -> None:
    busy, hot = spy.hot_functions(RAW.splitlines())
    assert busy == 10  # the selector's 50 and the parked worker's 30 are waiting, not working
    shares = {(function, file): share for share, function, file in hot}
    assert shares == {
        ("create_statement", "app/statements/editing.py"): 0.8,  # two lines of one function: one entry
        ("save_new", "app/statements/forms.py"): 0.6,
        ("fold", "app/text.py"): 0.2,  # recursive: its 2 samples once, not twice
        ("CrossSiteMiddleware.__call__", "app/web/csrf.py"): 0.2,
    }
    assert [function for _, function, _ in hot][:2] == ["create_statement", "save_new"]  # the busiest first
    assert spy.hot_functions(RAW.splitlines(), top=1)[1] == [(0.8, "create_statement", "app/statements/editing.py")]


def test_the_summary_is_a_table_of_the_busiest_functions(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks.txt"
    stacks.write_text(RAW, encoding="utf-8")
    text = spy.summary("Form POST, saved", stacks)
    assert text.startswith("Where the server's time went during Form POST, saved (py-spy, 10 busy samples")
    rows = markdown_table(text)
    assert rows[0] == {"Share": "80%", "Function": "`create_statement`", "File": "app/statements/editing.py"}
    assert len(rows) == 4


def test_a_profile_with_no_busy_sample_says_so(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks.txt"
    stacks.write_text(RAW.splitlines()[0] + "\n", encoding="utf-8")
    assert spy.summary("Plaintext", stacks) == f"Plaintext: py-spy recorded no busy sample ({stacks})."
