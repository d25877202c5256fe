// The console's only script, and every page works without it: it shows times in the reader's
// own time zone, keeps live rows and durations current (server-sent events), and seeks the
// recording to a transcript line.
(() => {
  function clockDuration(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
  }

  const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  function showLocalTimes(root) {
    for (const el of root.querySelectorAll('time[data-local]')) {
      const when = new Date(el.getAttribute('datetime'));
      if (!Number.isNaN(when.getTime())) el.textContent = localTime.format(when);
    }
  }

  function tickDurations() {
    const now = Date.now();
    for (const el of document.querySelectorAll('[data-since]')) {
      el.textContent = clockDuration(now - Date.parse(el.getAttribute('data-since')));
    }
  }

  function rowFrom(markup) {
    const template = document.createElement('template');
    template.innerHTML = markup.trim();
    return template.content.firstElementChild;
  }

  function liveCalls(table) {
    const tbody = table.tBodies[0];
    const status = document.querySelector('[data-live-status]');
    const firstPage = table.hasAttribute('data-first-page');
    const highlight = table.getAttribute('data-highlight');
    if (highlight) {
      const row = tbody.querySelector(`tr[data-call-id="${CSS.escape(highlight)}"]`);
      if (row) row.classList.add('highlight');
    }
    const source = new EventSource(table.getAttribute('data-live'));
    source.addEventListener('open', () => {
      if (status) status.textContent = 'Live: calls in progress update here as they happen.';
    });
    source.addEventListener('error', () => {
      if (status) status.textContent = 'Live updates paused: reconnecting…';
    });
    source.addEventListener('call', (event) => {
      const data = JSON.parse(event.data);
      const row = rowFrom(data.html);
      if (!row) return;
      const existing = tbody.querySelector(`tr[data-call-id="${CSS.escape(data.id)}"]`);
      // The stream starts a little in the past: rows the page already shows as they are stay put.
      if (existing && existing.getAttribute('data-updated') === row.getAttribute('data-updated')) return;
      if (existing) {
        existing.replaceWith(row);
      } else if (data.matches && firstPage) {
        tbody.prepend(row);
        const empty = document.querySelector('.empty');
        if (empty) empty.remove();
      } else {
        return;
      }
      row.classList.add(data.id === highlight ? 'highlight' : 'updated');
      row.setAttribute('data-live-updated', '');
      showLocalTimes(row);
    });
  }

  function liveCall(head) {
    const source = new EventSource(head.getAttribute('data-live-call'));
    source.addEventListener('changed', () => {
      const player = document.getElementById('player');
      if (player && !player.paused) return;
      source.close();
      window.location.reload();
    });
  }

  function seeking(player) {
    const lines = Array.from(document.querySelectorAll('li[data-seek-ms]'));
    function seek(line) {
      player.currentTime = Number(line.getAttribute('data-seek-ms')) / 1000;
      player.play().catch(() => {
        // Playback refused (no audio device, or the browser's autoplay rule): the seek stands.
      });
    }
    for (const line of lines) {
      line.addEventListener('click', () => seek(line));
    }
    player.addEventListener('timeupdate', () => {
      const nowMs = player.currentTime * 1000;
      let current = null;
      for (const line of lines) {
        if (Number(line.getAttribute('data-seek-ms')) <= nowMs + 50) current = line;
      }
      for (const line of lines) line.classList.toggle('playing', line === current);
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    showLocalTimes(document);
    if (document.querySelector('[data-since]')) setInterval(tickDurations, 1000);
    const table = document.querySelector('table[data-live]');
    if (table) liveCalls(table);
    const head = document.querySelector('[data-live-call]');
    if (head) liveCall(head);
    const player = document.getElementById('player');
    if (player) seeking(player);
  });
})();
