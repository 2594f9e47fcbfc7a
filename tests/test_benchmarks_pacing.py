"""``benchmarks.pacing``: the evaluation runs in the training thread, and a pipelined training's queued work is
waited for inside the timed steps (``sync``). No timing is asserted beyond what a sleep makes certain."""

import threading
import time

from benchmarks.pacing import PacedTraining


def _loop(steps, body=lambda: None):
    def train(tick):
        for _ in range(steps):
            tick()
            body()
    return train


def test_call_runs_in_the_training_thread_while_paused():
    threads = []
    paced = PacedTraining(_loop(10, lambda: threads.append(threading.get_ident())))
    paced.run_to(3)
    assert paced.call(threading.get_ident) == threads[0] != threading.get_ident()
    assert paced.run_to(6)["steps_done"] == 6  # the training goes on after the call
    paced.close()


def test_call_reports_the_failure_and_the_training_goes_on():
    paced = PacedTraining(_loop(10))
    paced.run_to(2)
    try:
        paced.call(lambda: 1 / 0)
    except RuntimeError as error:
        assert "ZeroDivisionError" in str(error)
    else:
        raise AssertionError("the call's error was not raised")
    assert paced.run_to(5)["steps_done"] == 5
    paced.close()


def test_sync_before_a_pause_is_counted_in_the_last_step():
    synced = []

    def sync():
        time.sleep(0.05)
        synced.append(True)

    paced = PacedTraining(_loop(10), sync=sync)
    block = paced.run_to(4)
    assert len(synced) == 1 and len(block["times"]) == 4  # the 4th step ends at the 5th tick, after the sync
    assert block["times"][-1] >= 0.05 > max(block["times"][:-1])
    paced.run_to(10)
    assert len(synced) == 2  # and at the end of the last step, when the training returned
    paced.close()
