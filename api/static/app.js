// Baton web chat: reads POST /api/chat as server-sent events with fetch + ReadableStream
// (EventSource cannot POST). All text goes in through textContent, never innerHTML.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const maxChars = Number(document.querySelector('meta[name="max-chars"]')?.content || 4000);
  const messages = document.getElementById("messages");
  const composer = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const threadList = document.getElementById("thread-list");
  const sidebar = document.getElementById("sidebar");
  const toggle = document.getElementById("threads-toggle");
  let threadId = null;
  let busy = false;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function scrollDown() {
    messages.scrollTop = messages.scrollHeight;
  }

  function clearMessages() {
    messages.replaceChildren();
  }

  function addUserMessage(text) {
    document.getElementById("empty")?.remove();
    messages.append(el("div", { class: "msg msg-user" }, el("div", { class: "bubble", text })));
    scrollDown();
  }

  function addAssistantMessage(text) {
    const answer = el("div", { class: "bubble answer", text: text || "" });
    const msg = el("div", { class: "msg msg-assistant" }, answer);
    messages.append(msg);
    scrollDown();
    return msg;
  }

  // One assistant turn: a run card (status, plan, tool calls, verdict) above the answer.
  function startRun() {
    const status = el("div", { class: "run-status" }, el("span", { class: "spinner" }), el("span", { text: "Planning…" }));
    const run = el("div", { class: "run", "data-testid": "run" }, status);
    const answer = el("div", { class: "bubble answer streaming", "data-testid": "answer" });
    const msg = el("div", { class: "msg msg-assistant" }, run, answer);
    messages.append(msg);
    scrollDown();
    const calls = new Map();
    let plan = null;
    let tools = null;

    function setStatus(text, done) {
      status.replaceChildren();
      if (!done) status.append(el("span", { class: "spinner" }));
      status.append(el("span", { text }));
    }

    return {
      plan(event) {
        plan?.remove();
        const list = el("ol");
        for (const step of event.steps) {
          list.append(el("li", { "data-step": step.id, "data-status": "pending", text: step.goal + (step.tool ? ` (${step.tool})` : "") }));
        }
        const title = event.revision ? `Plan (revision ${event.revision})` : "Plan";
        plan = el("div", { class: "plan", "data-testid": "plan" }, el("p", { class: "section-title", text: title }), list);
        run.insertBefore(plan, status.nextSibling);
        setStatus(event.direct_answer ? "Answering…" : "Working…");
      },
      step(event) {
        const item = plan?.querySelector(`li[data-step="${CSS.escape(event.step_id)}"]`);
        if (item) item.dataset.status = event.status;
      },
      toolCall(event) {
        if (!tools) {
          tools = el("div", { class: "tools" }, el("p", { class: "section-title", text: "Tool calls" }));
          run.append(tools);
        }
        const badge = el("span", { class: "badge", text: "running" });
        const args = el("pre", { text: JSON.stringify(event.args, null, 2) });
        const details = el("details", { class: "tool-call", "data-testid": "tool-call", "data-tool": event.tool },
          el("summary", {}, el("span", { class: "tool", text: event.tool }), badge),
          el("div", { class: "pre-label", text: "Arguments" }), args);
        calls.set(event.call_id, { details, badge });
        tools.append(details);
        scrollDown();
      },
      toolResult(event) {
        let call = calls.get(event.call_id);
        if (!call) { this.toolCall({ call_id: event.call_id, tool: event.tool, args: {} }); call = calls.get(event.call_id); }
        call.badge.textContent = event.ok ? "ok" : "failed";
        call.badge.className = "badge " + (event.ok ? "ok" : "bad");
        call.details.append(el("div", { class: "pre-label", text: event.ok ? "Result" : "Error" }),
          el("pre", { class: "tool-result", "data-testid": "tool-result", text: event.content }));
      },
      critique(event) {
        const verdict = el("span", { class: "badge " + (event.approved ? "ok" : "warn"), text: event.approved ? "approved" : "needs another pass" });
        run.append(el("div", { class: "critique", "data-testid": "critique" },
          el("span", { class: "section-title", text: "Critic" }), verdict,
          event.feedback ? el("span", { class: "muted", text: event.feedback }) : null));
        setStatus(event.approved ? "Writing the answer…" : "Revising the plan…");
      },
      token(event) {
        answer.textContent += event.text;
        scrollDown();
      },
      final(event) {
        answer.textContent = event.answer;
        answer.classList.remove("streaming");
        setStatus("Done", true);
        status.remove();
        if (!run.querySelector(".plan, .tools, .critique")) run.remove();
        scrollDown();
      },
      error(message) {
        answer.classList.remove("streaming");
        setStatus("Stopped", true);
        run.append(el("div", { class: "error-box", role: "alert", text: message }));
        scrollDown();
      },
    };
  }

  // Split an SSE byte stream into {event, data} messages (spec: blank line ends a message).
  async function* readEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let type = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (!line || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          let val = colon < 0 ? "" : line.slice(colon + 1);
          if (val.startsWith(" ")) val = val.slice(1);
          if (field === "event") type = val;
          else if (field === "data") data.push(val);
        }
        if (data.length) yield { type, data: JSON.parse(data.join("\n")) };
      }
    }
  }

  async function problemMessage(response) {
    try {
      const body = await response.json();
      return body.detail || body.title || `Request failed (${response.status})`;
    } catch (_) {
      return `Request failed (${response.status})`;
    }
  }

  async function send(text) {
    busy = true;
    sendButton.disabled = true;
    addUserMessage(text);
    const view = startRun();
    let finished = false;
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream", "X-CSRF-Token": csrf },
        body: JSON.stringify(threadId ? { message: text, thread_id: threadId } : { message: text }),
      });
      if (response.status === 401) { window.location.href = "/auth/login"; return; }
      if (!response.ok) { view.error(await problemMessage(response)); return; }
      const headerThread = response.headers.get("X-Thread-Id");
      if (headerThread && headerThread !== threadId) { threadId = headerThread; }
      for await (const { type, data } of readEvents(response)) {
        if (type === "plan") view.plan(data);
        else if (type === "step") view.step(data);
        else if (type === "tool_call") view.toolCall(data);
        else if (type === "tool_result") view.toolResult(data);
        else if (type === "critique") view.critique(data);
        else if (type === "token") view.token(data);
        else if (type === "final") { view.final(data); threadId = data.thread_id; finished = true; }
        else if (type === "error") { view.error(data.message); finished = true; }
      }
      if (!finished) view.error("The connection closed before the answer arrived.");
    } catch (err) {
      view.error("Network error: " + (err && err.message ? err.message : "the request failed"));
    } finally {
      busy = false;
      sendButton.disabled = false;
      loadThreads();
      input.focus();
    }
  }

  async function loadThreads() {
    const response = await fetch("/api/threads", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { threads } = await response.json();
    threadList.replaceChildren();
    if (!threads.length) threadList.append(el("li", { class: "muted", text: "No threads yet." }));
    for (const thread of threads) {
      const link = el("button", { type: "button", class: "thread-link", title: thread.title, text: thread.title });
      if (thread.id === threadId) link.setAttribute("aria-current", "true");
      link.addEventListener("click", () => openThread(thread.id));
      const remove = el("button", { type: "button", class: "thread-delete", "aria-label": "Delete thread", title: "Delete", text: "✕" });
      remove.addEventListener("click", () => deleteThread(thread.id));
      threadList.append(el("li", {}, link, remove));
    }
  }

  async function openThread(id) {
    if (busy) return;
    const response = await fetch(`/api/threads/${encodeURIComponent(id)}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const thread = await response.json();
    threadId = thread.id;
    clearMessages();
    for (const message of thread.messages) {
      if (message.role === "user") addUserMessage(message.content);
      else addAssistantMessage(message.content);
    }
    sidebar.classList.remove("open");
    toggle?.setAttribute("aria-expanded", "false");
    loadThreads();
  }

  async function deleteThread(id) {
    const response = await fetch(`/api/threads/${encodeURIComponent(id)}`, { method: "DELETE", headers: { "X-CSRF-Token": csrf } });
    if (response.ok && id === threadId) newChat();
    loadThreads();
  }

  function newChat() {
    threadId = null;
    clearMessages();
    messages.append(el("div", { class: "empty", id: "empty" }, el("h1", { text: "New chat" }), el("p", { class: "muted", text: "Ask for anything your tools can do." })));
    loadThreads();
    input.focus();
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 192) + "px";
  }

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    if (text.length > maxChars) return;
    input.value = "";
    autosize();
    send(text);
  });
  input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter (and IME composition) inserts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  input.addEventListener("input", autosize);
  document.getElementById("new-chat").addEventListener("click", () => { if (!busy) newChat(); });
  toggle?.addEventListener("click", () => {
    const open = sidebar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  loadThreads();
})();
