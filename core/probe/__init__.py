"""The stream doctor: does every locator of a library or a schedule actually play?

Each locator kind has its probe — HTTP(S) with HLS and DASH (:mod:`core.probe.http`),
``rtmp``/``rtsp``/``srt``/``udp`` and local files through ``ffprobe``
(:mod:`core.probe.spawned`) — and :mod:`core.probe.runner` runs them politely: bounded
concurrency, a per-host limit and minimum interval, retries with backoff on timeouts and 5xx
only, cancellable as a job. Each result is kept with its time (:mod:`core.store.streams`);
a stream's state (up, down, flapping) is judged from its history, never from one probe
(:func:`core.probe.model.state_of`).
"""
