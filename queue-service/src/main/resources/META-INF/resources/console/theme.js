// Runs in <head>, before the first paint: the theme the user chose (stored), else the system's.
(function () {
  var chosen = null;
  try { chosen = localStorage.getItem('rediacc-theme'); } catch (e) { /* storage off */ }
  if (chosen === 'dark' || chosen === 'light') {
    document.documentElement.dataset.theme = chosen;
  }
})();
