// Orchestron dashboard: live regions over server-sent events, and actions as JSON posts.
// No framework: each live region names the event topics it shows (data-live) and the
// template block that renders it (data-fragment); on a change the page re-fetches
// that block and swaps it in.
(function () {
  "use strict";

  const csrf = () => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("orchestron_csrf="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : meta ? meta.content : "";
  };

  // ---- toasts -------------------------------------------------------------------
  let toastTimer = null;
  function toast(text, kind) {
    const el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.className = "toast shown " + (kind || "");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.className = "toast"; }, 3500);
  }

  // ---- live regions -------------------------------------------------------------
  const pending = new Set();
  let flushTimer = null;

  function regions() {
    return Array.from(document.querySelectorAll("[data-live][data-fragment]"));
  }

  function isBusy(region) {
    // Never swap a region while someone is typing in it: do it once they are done.
    const active = document.activeElement;
    if (active && region.contains(active) && active.matches("input, textarea, select")) return true;
    return Array.from(region.querySelectorAll("input[type=text], textarea")).some((f) => f.value.trim() !== "");
  }

  async function refresh(region) {
    if (isBusy(region)) {
      region.dataset.stale = "1";
      return;
    }
    const name = region.dataset.fragment;
    try {
      const res = await fetch(location.pathname + location.search, {
        headers: { "X-Fragment": name },
        credentials: "same-origin",
      });
      if (res.status === 401 || res.redirected) { location.reload(); return; }  // logged out
      if (!res.ok) return;  // e.g. the task is gone: keep what is shown
      const html = await res.text();
      if (html !== region.innerHTML) {
        region.innerHTML = html;
        region.classList.remove("flash");
        void region.offsetWidth;
        region.classList.add("flash");
      }
      delete region.dataset.stale;
      document.dispatchEvent(new CustomEvent("orchestron:refreshed", { detail: { fragment: name } }));
    } catch (err) {
      region.dataset.stale = "1";
    }
  }

  function schedule(topics) {
    for (const region of regions()) {
      const wants = region.dataset.live.split(/\s+/);
      if (!topics || wants.some((t) => topics.includes(t))) pending.add(region);
    }
    clearTimeout(flushTimer);
    flushTimer = setTimeout(() => {
      const todo = Array.from(pending);
      pending.clear();
      todo.forEach(refresh);
    }, 120);
  }

  document.addEventListener("focusout", () => {
    setTimeout(() => {
      for (const region of regions()) if (region.dataset.stale && !isBusy(region)) refresh(region);
    }, 50);
  });

  function connect() {
    if (!window.EventSource || document.body.dataset.seq === undefined) return;
    const dot = document.getElementById("live");
    const seq = document.body.dataset.seq;
    const source = new EventSource("/live?after=" + encodeURIComponent(seq));
    source.addEventListener("open", () => { if (dot) { dot.classList.add("on"); dot.title = "Live: connected"; } });
    source.addEventListener("error", () => { if (dot) { dot.classList.remove("on"); dot.title = "Live: reconnecting…"; } });
    source.addEventListener("change", (ev) => {
      let data = {};
      try { data = JSON.parse(ev.data); } catch (e) { /* a ping or garbage: refresh all */ }
      if (data.seq) document.body.dataset.seq = String(data.seq);
      schedule(data.topics || null);
    });
  }

  // ---- actions: forms that post JSON to the API -----------------------------------
  async function submitAction(form) {
    const url = form.dataset.action;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const body = {};
    new FormData(form).forEach((value, key) => { body[key] = value; });
    const error = form.querySelector(".form-error");
    const button = form.querySelector("button");
    if (error) { error.textContent = ""; error.classList.remove("shown"); }
    if (button) button.disabled = true;
    try {
      const res = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "Accept": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) {
        const text = data.message || ("request failed (" + res.status + ")");
        if (error) { error.textContent = text; error.classList.add("shown"); } else toast(text, "bad");
        return;
      }
      form.reset();
      toast(form.dataset.done || (button ? button.textContent.trim() + ": done" : "Done"), "good");
      form.closest("[data-fragment]") && delete form.closest("[data-fragment]").dataset.stale;
      schedule(null);
    } catch (err) {
      if (error) { error.textContent = "network error: " + err; error.classList.add("shown"); }
    } finally {
      if (button) button.disabled = false;
    }
  }

  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.action) return;
    ev.preventDefault();
    if (document.activeElement && form.contains(document.activeElement)) document.activeElement.blur();
    submitAction(form);
  });

  document.addEventListener("DOMContentLoaded", connect);
})();
