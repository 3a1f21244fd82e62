// The widget's look, inside its shadow root: the host page's styles cannot reach in, and these cannot leak out.
export const styles = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;
  background: var(--omni-accent, #2f5bea); color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.25);
  display: flex; align-items: center; justify-content: center;
}
.launcher:focus-visible, button:focus-visible, textarea:focus-visible, .attach:focus-within { outline: 3px solid #9db4ff; outline-offset: 2px; }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
.badge {
  position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; padding: 0 5px; border-radius: 10px;
  background: #d92d20; color: #fff; font-size: 12px; line-height: 20px; text-align: center;
}
.panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483000;
  width: min(370px, calc(100vw - 40px)); height: min(540px, calc(100vh - 120px));
  display: flex; flex-direction: column; background: #fff; color: #1d2433;
  border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; font-size: 14px;
}
.panel[hidden], .badge[hidden], .typing[hidden], .error[hidden], .status:empty { display: none; }
header {
  display: flex; align-items: center; justify-content: space-between; padding: 12px 14px;
  background: var(--omni-accent, #2f5bea); color: #fff; font-weight: 600;
}
header button { background: none; border: none; color: inherit; font-size: 22px; line-height: 1; cursor: pointer; }
.status { padding: 6px 14px; background: #fff6d6; color: #6b4e00; font-size: 12px; }
.messages { flex: 1; overflow-y: auto; margin: 0; padding: 12px; list-style: none; display: flex; flex-direction: column; gap: 8px; background: #f5f7fb; }
.empty { color: #6b7385; text-align: center; margin: auto; }
.msg { display: flex; flex-direction: column; max-width: 80%; }
.msg.visitor { align-self: flex-end; align-items: flex-end; }
.msg.agent { align-self: flex-start; align-items: flex-start; }
.bubble { padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.visitor .bubble { background: var(--omni-accent, #2f5bea); color: #fff; border-bottom-right-radius: 4px; }
.agent .bubble { background: #fff; border: 1px solid #e1e5ee; border-bottom-left-radius: 4px; }
.bubble p { margin: 0; }
.file { display: block; margin-top: 6px; padding: 4px 8px; border-radius: 6px; border: 1px solid currentColor; background: transparent; color: inherit; cursor: pointer; font-size: 12px; text-align: left; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.action { padding: 6px 10px; border-radius: 16px; border: 1px solid var(--omni-accent, #2f5bea); background: #fff; color: var(--omni-accent, #2f5bea); cursor: pointer; font-size: 13px; }
.action:hover { background: #eef2ff; }
.meta { font-size: 11px; color: #6b7385; margin-top: 2px; }
.msg[data-status="unsent"] .meta { color: #b42318; }
.typing { padding: 4px 14px; font-size: 12px; color: #6b7385; font-style: italic; background: #f5f7fb; }
form { display: flex; align-items: flex-end; gap: 6px; padding: 8px; border-top: 1px solid #e1e5ee; }
textarea { flex: 1; resize: none; max-height: 120px; padding: 8px; border: 1px solid #c8cfdd; border-radius: 8px; font-size: 14px; color: inherit; }
.attach { display: flex; align-items: center; justify-content: center; width: 36px; height: 36px; border-radius: 8px; cursor: pointer; color: #4a5468; }
.attach input { position: absolute; width: 1px; height: 1px; opacity: 0; }
.attach svg { width: 20px; height: 20px; fill: currentColor; }
.send { height: 36px; padding: 0 14px; border: none; border-radius: 8px; background: var(--omni-accent, #2f5bea); color: #fff; font-weight: 600; cursor: pointer; }
.send:disabled { opacity: .5; cursor: default; }
.error { padding: 6px 14px 10px; color: #b42318; font-size: 12px; }
`;
