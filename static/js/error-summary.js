/* The error summary ("There is a problem") takes the focus when the page opens, so that a
   phone user sent back to the top of a refused form sees and hears what to fix; each of its
   links moves the focus to its field (the first control of a group of choices) and shows the
   field's label with it. Without JavaScript the summary is still the first thing in the page
   and its links still jump to the fields. */
(function () {
  'use strict';
  function controlOf(target) {
    if (target.matches('input, select, textarea, button')) return target;
    return target.querySelector('input:not([type=hidden]), select, textarea, button');
  }
  function labelOf(control) {
    const group = control.closest('fieldset');
    if (group && group.querySelector('legend')) return group.querySelector('legend');
    if (control.id) {
      const label = document.querySelector('label[for="' + CSS.escape(control.id) + '"]');
      if (label) return label;
    }
    return control.closest('.field') || control;
  }
  function start() {
    const summary = document.getElementById('error-summary');
    if (!summary) return;
    summary.focus();
    summary.scrollIntoView({block: 'start'});
    summary.addEventListener('click', function (event) {
      const link = event.target.closest('a[href^="#"]');
      if (!link) return;
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      const control = target && controlOf(target);
      if (!control) return;
      event.preventDefault();
      labelOf(control).scrollIntoView({block: 'start'});
      control.focus({preventScroll: true});
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
