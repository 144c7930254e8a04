import threading
import time

from assistant.fairlock import FairLock


def test_waiters_are_served_in_arrival_order():
    lock = FairLock()
    served: list[int] = []
    lock.acquire()
    threads = []
    for i in range(8):
        thread = threading.Thread(target=lambda i=i: (lock.acquire(), served.append(i), lock.release()))
        thread.start()
        threads.append(thread)
        while lock.waiting < i + 2:  # wait until thread i holds its ticket before starting the next
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(timeout=5)
    assert served == list(range(8))
    assert lock.waiting == 0


def test_context_manager_releases_on_error():
    lock = FairLock()
    try:
        with lock:
            raise ValueError("boom")
    except ValueError:
        pass
    with lock:
        assert lock.waiting == 1
