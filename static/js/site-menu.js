/* The site's menu is a <details> (works without JavaScript): folded on a phone, the full
   header on a wider screen (app.css shows a closed menu's content there where the browser
   knows ::details-content; here it is opened, for every browser). Escape closes it on a phone. */
(function () {
  'use strict';
  function start() {
    const menu = document.querySelector('[data-site-menu]');
    if (!menu) return;
    const wide = window.matchMedia('(min-width: 761px)');
    const follow = function () { menu.open = wide.matches; };
    follow();
    wide.addEventListener('change', follow);
    menu.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector('summary').focus();
      }
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
