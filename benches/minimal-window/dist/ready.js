// Only for scripts/bench-app.sh: the empty window tells the shell it is shown.
window.__TAURI__.core.invoke('ui_ready');
