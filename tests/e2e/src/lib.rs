//! Real-window tests (tauri-driver + WebKitWebDriver under Xvfb) live in tests/.
