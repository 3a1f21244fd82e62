// Omni's web chat widget.
//
//   <script src="https://your-omni/widget.js" data-site="demo"
//           data-user-id="42" data-user-hash="…hex HMAC-SHA256(site secret, '42')…"></script>
//
// Renders a chat button and panel in a shadow root, keeps the visitor token in localStorage, and talks to the Omni
// gateway it was loaded from: POST /api/v1/webchat/sessions for the token, the SignalR hub /hubs/chat for messages,
// typing and history, POST /api/v1/webchat/attachments for files. Messages typed while offline wait in localStorage
// and are sent (once: the server deduplicates by their client id) when the connection is back.
import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { styles } from './styles.js';

const TEXTS = {
  en: {
    title: 'Chat with us', open: 'Open chat', close: 'Close chat', placeholder: 'Type a message', send: 'Send',
    attach: 'Attach an image or PDF', empty: 'Ask us anything: we usually answer within minutes.',
    typing: 'An agent is typing…', sending: 'Sending…', unsent: 'Not sent yet: will retry', sent: 'Sent',
    connecting: 'Connecting…', reconnecting: 'Connection lost: reconnecting…', offline: 'Offline: retrying shortly',
    unavailable: 'Chat is not available on this site.', tooLarge: (mb) => `That file is larger than ${mb} MB.`,
    badType: 'Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.', uploadFailed: 'The file could not be sent. Please try again.',
    refused: 'This message could not be sent.', download: 'Download',
  },
  nl: {
    title: 'Chat met ons', open: 'Chat openen', close: 'Chat sluiten', placeholder: 'Typ een bericht', send: 'Verstuur',
    attach: 'Afbeelding of pdf bijvoegen', empty: 'Stel gerust je vraag: we antwoorden meestal binnen een paar minuten.',
    typing: 'Een medewerker typt…', sending: 'Versturen…', unsent: 'Nog niet verstuurd: we proberen het opnieuw', sent: 'Verstuurd',
    connecting: 'Verbinden…', reconnecting: 'Verbinding verbroken: opnieuw verbinden…', offline: 'Offline: we proberen het zo opnieuw',
    unavailable: 'Chat is op deze site niet beschikbaar.', tooLarge: (mb) => `Dat bestand is groter dan ${mb} MB.`,
    badType: 'Alleen afbeeldingen (PNG, JPEG, GIF, WebP) en pdf-bestanden kunnen worden bijgevoegd.', uploadFailed: 'Het bestand kon niet worden verstuurd. Probeer het opnieuw.',
    refused: 'Dit bericht kon niet worden verstuurd.', download: 'Downloaden',
  },
};

const CHAT_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
const CLIP_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"/></svg>';

const script = document.currentScript;

function start() {
  if (!script || window.__omniChatWidget) return;
  const site = script.dataset.site;
  if (!site) {
    console.warn('Omni chat: the script tag needs data-site="your site key"');
    return;
  }
  window.__omniChatWidget = true;
  const origin = new URL(script.src, location.href).origin;
  const user = script.dataset.userId && script.dataset.userHash ? { id: script.dataset.userId, hash: script.dataset.userHash } : null;
  const language = (script.dataset.lang || document.documentElement.lang || navigator.language || 'en').slice(0, 2).toLowerCase();
  const t = TEXTS[language] || TEXTS.en;

  const store = storage(`omni-chat:${site}`);
  const state = {
    token: store.get('token'),
    // Messages typed but not yet acknowledged by the server: [{ clientMessageId, text }].
    outbox: JSON.parse(store.get('outbox') || '[]'),
    limits: { maxTextLength: 10000, maxAttachmentBytes: 5 * 1024 * 1024, attachmentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] },
    messages: [],
    open: false,
    unread: 0,
    connection: null,
    connecting: null,
    unavailable: false,
    lastTyping: 0,
    typingTimer: 0,
    retryTimer: 0,
    flushing: null,
    flushAgain: false,
  };

  // ---- DOM ---------------------------------------------------------------------------------------------------------
  const host = document.createElement('div');
  host.id = 'omni-chat';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
    <style>${styles}</style>
    <button class="launcher" type="button" data-omni="launcher" aria-expanded="false">${CHAT_ICON}<span class="badge" data-omni="unread" hidden></span></button>
    <section class="panel" data-omni="panel" role="dialog" hidden>
      <header><span data-omni="title"></span><button type="button" data-omni="close">&times;</button></header>
      <div class="status" data-omni="status" role="status"></div>
      <ol class="messages" data-omni="messages" role="log" aria-live="polite"></ol>
      <div class="typing" data-omni="typing" hidden></div>
      <form data-omni="form">
        <label class="attach">${CLIP_ICON}<input type="file" data-omni="file"></label>
        <textarea data-omni="input" rows="1"></textarea>
        <button class="send" type="submit" data-omni="send"></button>
      </form>
      <div class="error" data-omni="error" role="alert" hidden></div>
    </section>`;
  const $ = (name) => root.querySelector(`[data-omni="${name}"]`);
  const ui = {
    launcher: $('launcher'), unread: $('unread'), panel: $('panel'), title: $('title'), close: $('close'), status: $('status'),
    messages: $('messages'), typing: $('typing'), form: $('form'), file: $('file'), input: $('input'), send: $('send'), error: $('error'),
  };
  ui.launcher.setAttribute('aria-label', t.open);
  ui.panel.setAttribute('aria-label', script.dataset.title || t.title);
  ui.title.textContent = script.dataset.title || t.title;
  ui.close.setAttribute('aria-label', t.close);
  ui.input.placeholder = t.placeholder;
  ui.input.setAttribute('aria-label', t.placeholder);
  ui.input.maxLength = state.limits.maxTextLength;
  ui.send.textContent = t.send;
  ui.file.setAttribute('aria-label', t.attach);
  ui.file.parentElement.title = t.attach;
  ui.file.accept = state.limits.attachmentTypes.join(',');
  ui.typing.textContent = t.typing;
  if (script.dataset.color) host.style.setProperty('--omni-accent', script.dataset.color);

  ui.launcher.addEventListener('click', () => setOpen(!state.open));
  ui.close.addEventListener('click', () => setOpen(false));
  ui.panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') setOpen(false); });
  ui.form.addEventListener('submit', (e) => { e.preventDefault(); submitText(); });
  ui.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); submitText(); }
  });
  ui.input.addEventListener('input', typing);
  ui.file.addEventListener('change', () => {
    const file = ui.file.files && ui.file.files[0];
    ui.file.value = '';
    if (file) upload(file);
  });

  (document.body ? Promise.resolve() : new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true })))
    .then(() => {
      document.body.appendChild(host);
      render();
      // A returning visitor reconnects at once: replies that came meanwhile show, and unsent messages go out.
      if (state.token || state.outbox.length) connect().catch(() => {});
    });

  // ---- Connection --------------------------------------------------------------------------------------------------
  function connect() {
    if (state.unavailable) return Promise.reject(new Error('unavailable'));
    if (state.connection && state.connection.state === HubConnectionState.Connected) return Promise.resolve();
    if (state.connecting) return state.connecting;
    clearTimeout(state.retryTimer);
    setStatus(t.connecting);
    state.connecting = (async () => {
      await startSession();
      const connection = new HubConnectionBuilder()
        .withUrl(`${origin}/hubs/chat?site=${encodeURIComponent(site)}`, {
          accessTokenFactory: () => state.token,
          // Any site may embed the widget: the gateway allows any origin, without cookies.
          withCredentials: false,
        })
        .withAutomaticReconnect([0, 2000, 5000, 10000, 20000, 30000])
        .configureLogging(LogLevel.Warning)
        .build();
      connection.on('message', received);
      connection.on('typing', (notice) => { if (notice && notice.from === 'agent') showTyping(); });
      connection.onreconnecting(() => setStatus(t.reconnecting));
      connection.onreconnected(() => { setStatus(''); synchronise().catch(() => {}); });
      connection.onclose(() => {
        if (state.connection !== connection) return;
        state.connection = null;
        setStatus(t.offline);
        retrySoon();
      });
      await connection.start();
      state.connection = connection;
      setStatus('');
      await synchronise();
    })();
    return state.connecting.catch((error) => {
      if (!state.unavailable) { setStatus(t.offline); retrySoon(); }
      throw error;
    }).finally(() => { state.connecting = null; });
  }

  function retrySoon() {
    clearTimeout(state.retryTimer);
    if (state.unavailable) return;
    state.retryTimer = setTimeout(() => { if (state.open || state.outbox.length || state.token) connect().catch(() => {}); }, 15000);
  }

  async function startSession() {
    const body = { site, visitorToken: state.token || undefined, user: user || undefined };
    const response = await fetch(`${origin}/api/v1/webchat/sessions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit',
    });
    if (response.status === 404) {
      state.unavailable = true;
      setStatus('');
      showError(t.unavailable);
      throw new Error('Omni chat: unknown site ' + site);
    }
    if (response.status === 400 && state.token) {
      // A token this server does not take (tampered storage): start afresh.
      state.token = null;
      store.remove('token');
      return startSession();
    }
    if (!response.ok) throw new Error('Omni chat: session failed with ' + response.status);
    const session = await response.json();
    state.token = session.visitorToken;
    store.set('token', state.token);
    if (session.limits) {
      state.limits = session.limits;
      ui.input.maxLength = state.limits.maxTextLength;
      ui.file.accept = state.limits.attachmentTypes.join(',');
    }
  }

  // After every (re)connect: the conversation as the server has it, then whatever was typed while offline.
  async function synchronise() {
    const history = await state.connection.invoke('History');
    for (const message of history) merge(message);
    render();
    await flushOutbox();
  }

  // One flush at a time; a call during a flush runs another after it (for what was typed meanwhile).
  function flushOutbox() {
    if (state.flushing) {
      state.flushAgain = true;
      return state.flushing;
    }
    state.flushing = sendOutbox().finally(() => {
      state.flushing = null;
      if (state.flushAgain) {
        state.flushAgain = false;
        flushOutbox();
      }
    });
    return state.flushing;
  }

  async function sendOutbox() {
    for (const item of [...state.outbox]) {
      const connection = state.connection;
      if (!connection || connection.state !== HubConnectionState.Connected) return;
      try {
        const stored = await connection.invoke('Send', item.text, item.clientMessageId);
        dropFromOutbox(item.clientMessageId);
        merge(stored);
      } catch (error) {
        if (String(error && error.message).includes('HubException')) {
          // The server refused it (too long, say): sending it again would not help.
          dropFromOutbox(item.clientMessageId);
          merge({ clientMessageId: item.clientMessageId, from: 'visitor', text: item.text, status: 'refused' });
          showError(t.refused);
        } else {
          mark(item.clientMessageId, 'unsent');
          render();
          return;
        }
      }
      render();
    }
  }

  // ---- Messages ----------------------------------------------------------------------------------------------------
  function submitText() {
    const text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = '';
    sendText(text);
  }

  function sendText(text) {
    hideError();
    const clientMessageId = newId();
    state.outbox.push({ clientMessageId, text });
    saveOutbox();
    merge({ id: null, clientMessageId, from: 'visitor', text, sentAt: new Date().toISOString(), status: 'sending', attachments: [] });
    render();
    connect().then(flushOutbox).catch(() => { mark(clientMessageId, 'unsent'); render(); });
  }

  function received(message) {
    merge(message);
    if (message.from === 'agent') {
      hideTyping();
      if (!state.open) state.unread += 1;
    }
    render();
  }

  // One entry per message: matched by server id, or by the client id a pending message was sent with.
  function merge(message) {
    const existing = state.messages.find((m) => (message.id && m.id === message.id)
      || (message.clientMessageId && m.clientMessageId === message.clientMessageId && m.from === message.from));
    if (existing) Object.assign(existing, message);
    else state.messages.push({ attachments: [], sentAt: new Date().toISOString(), ...message });
    state.messages.sort((a, b) => (a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : 0));
  }

  function mark(clientMessageId, status) {
    const message = state.messages.find((m) => m.clientMessageId === clientMessageId && !m.id);
    if (message) message.status = status;
  }

  function dropFromOutbox(clientMessageId) {
    state.outbox = state.outbox.filter((m) => m.clientMessageId !== clientMessageId);
    saveOutbox();
  }

  function saveOutbox() {
    if (state.outbox.length) store.set('outbox', JSON.stringify(state.outbox));
    else store.remove('outbox');
  }

  // ---- Typing ------------------------------------------------------------------------------------------------------
  function typing() {
    const now = Date.now();
    if (now - state.lastTyping < 3000) return;
    state.lastTyping = now;
    const connection = state.connection;
    if (connection && connection.state === HubConnectionState.Connected) connection.invoke('Typing').catch(() => {});
  }

  function showTyping() {
    ui.typing.hidden = false;
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideTyping, 5000);
  }

  function hideTyping() {
    clearTimeout(state.typingTimer);
    ui.typing.hidden = true;
  }

  // ---- Attachments -------------------------------------------------------------------------------------------------
  async function upload(file) {
    hideError();
    const { maxAttachmentBytes, attachmentTypes } = state.limits;
    if (!attachmentTypes.includes(file.type)) return showError(t.badType);
    if (file.size > maxAttachmentBytes) return showError(t.tooLarge(megabytes(maxAttachmentBytes)));
    const clientMessageId = newId();
    const caption = ui.input.value.trim();
    ui.input.value = '';
    merge({ id: null, clientMessageId, from: 'visitor', text: caption || file.name, status: 'sending', attachments: [{ fileName: file.name, size: file.size }] });
    render();
    try {
      await connect();
      const form = new FormData();
      form.append('file', file, file.name);
      form.append('clientMessageId', clientMessageId);
      if (caption) form.append('text', caption);
      const response = await fetch(`${origin}/api/v1/webchat/attachments?site=${encodeURIComponent(site)}`, {
        method: 'POST', headers: { Authorization: `Bearer ${state.token}` }, body: form, credentials: 'omit',
      });
      if (response.status === 413) throw new Refusal(t.tooLarge(megabytes(maxAttachmentBytes)));
      if (response.status === 415) throw new Refusal(t.badType);
      if (!response.ok) throw new Refusal(t.uploadFailed);
      merge(await response.json());
    } catch (error) {
      state.messages = state.messages.filter((m) => m.clientMessageId !== clientMessageId || m.id);
      showError(error instanceof Refusal ? error.message : t.uploadFailed);
    }
    render();
  }

  async function download(attachment) {
    const response = await fetch(`${origin}/api/v1/webchat/attachments/${attachment.id}?site=${encodeURIComponent(site)}`, {
      headers: { Authorization: `Bearer ${state.token}` }, credentials: 'omit',
    });
    if (!response.ok) return showError(t.uploadFailed);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = attachment.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // ---- Rendering ---------------------------------------------------------------------------------------------------
  function setOpen(open) {
    state.open = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      state.unread = 0;
      render();
      ui.input.focus();
      connect().catch(() => {});
    } else {
      ui.launcher.focus();
    }
    render();
  }

  function render() {
    ui.unread.hidden = state.unread === 0;
    ui.unread.textContent = String(state.unread);
    const list = ui.messages;
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren(...(state.messages.length ? state.messages.map((m, i) => renderMessage(m, i === state.messages.length - 1)) : [emptyNote()]));
    if (nearBottom || state.messages.length) list.scrollTop = list.scrollHeight;
  }

  function renderMessage(message, last) {
    const item = document.createElement('li');
    item.className = `msg ${message.from === 'agent' ? 'agent' : 'visitor'}`;
    item.dataset.omni = 'message';
    item.dataset.from = message.from;
    item.dataset.status = message.status || '';
    if (message.id) item.dataset.id = message.id;
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    const text = document.createElement('p');
    text.textContent = message.text; // never HTML: a message is text
    bubble.appendChild(text);
    for (const attachment of message.attachments || []) {
      const file = document.createElement('button');
      file.type = 'button';
      file.className = 'file';
      file.dataset.omni = 'attachment';
      file.textContent = `📎 ${attachment.fileName} (${kilobytes(attachment.size)})`;
      file.title = t.download;
      if (attachment.id) file.addEventListener('click', () => download(attachment));
      else file.disabled = true;
      bubble.appendChild(file);
    }
    const meta = document.createElement('div');
    meta.className = 'meta';
    const time = message.sentAt ? new Date(message.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    const status = message.status === 'sending' ? t.sending : message.status === 'unsent' ? t.unsent : message.status === 'refused' ? t.refused : '';
    meta.textContent = [time, status].filter(Boolean).join(' · ');
    item.append(bubble, meta);
    // Quick replies under the company's latest message, until the visitor answers: a press sends the action's text.
    if (last && message.from === 'agent' && message.actions && message.actions.length) {
      const actions = document.createElement('div');
      actions.className = 'actions';
      actions.dataset.omni = 'actions';
      for (const action of message.actions) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'action';
        button.dataset.omni = 'action';
        button.textContent = action;
        button.addEventListener('click', () => sendText(action));
        actions.appendChild(button);
      }
      item.appendChild(actions);
    }
    return item;
  }

  function emptyNote() {
    const note = document.createElement('li');
    note.className = 'empty';
    note.textContent = t.empty;
    return note;
  }

  function setStatus(text) { ui.status.textContent = text; }

  function showError(text) {
    ui.error.textContent = text;
    ui.error.hidden = false;
  }

  function hideError() { ui.error.hidden = true; }
}

class Refusal extends Error {}

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function megabytes(bytes) { return Math.round((bytes / 1024 / 1024) * 10) / 10; }

function kilobytes(bytes) { return bytes >= 1024 * 1024 ? `${megabytes(bytes)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`; }

// localStorage where the page allows it (it may not, in a sandboxed frame or private mode); memory otherwise.
function storage(prefix) {
  const memory = {};
  const key = (name) => `${prefix}:${name}`;
  return {
    get(name) { try { return localStorage.getItem(key(name)); } catch { return memory[name] ?? null; } },
    set(name, value) { try { localStorage.setItem(key(name), value); } catch { memory[name] = value; } },
    remove(name) { try { localStorage.removeItem(key(name)); } catch { delete memory[name]; } },
  };
}

start();
