/* No table may hide a column without a sign. Every table of the page scrolls sideways in a
   box of its own (.table-scroll; a table not yet in one is put in one here) and, while a part
   of it is out of view, the box shows a shadow on that side and a "scroll sideways" hint, and
   can be scrolled from the keyboard (a focusable region named after the table). Without
   JavaScript the CSS still shades the edges of a table that overflows. */
(function () {
  'use strict';
  const HINT = document.body.dataset.scrollHint || 'Scroll sideways to see more columns';

  function nameOf(table) {
    if (table.getAttribute('aria-label')) return table.getAttribute('aria-label');
    const by = table.getAttribute('aria-labelledby');
    if (by && document.getElementById(by)) return document.getElementById(by).textContent.trim();
    if (table.caption) return table.caption.textContent.trim();
    const section = table.closest('section, fieldset, .card');
    const heading = section && section.querySelector('h2, h3, legend');
    return heading ? heading.textContent.trim().replace(/\s+/g, ' ') : '';
  }

  function wrap(table) {
    const box = document.createElement('div');
    box.className = 'table-scroll';
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    return box;
  }

  function watch(box) {
    const table = box.querySelector('table');
    if (!table || box.dataset.watched) return;
    box.dataset.watched = '1';
    const hint = document.createElement('p');
    hint.className = 'table-scroll-hint';
    hint.setAttribute('aria-hidden', 'true');  // the region's name says it to screen readers
    hint.textContent = HINT;
    box.parentNode.insertBefore(hint, box);
    const given = {tabindex: box.getAttribute('tabindex'), role: box.getAttribute('role'),
                   label: box.getAttribute('aria-label') || box.getAttribute('aria-labelledby')};
    const update = function () {
      const over = box.scrollWidth - box.clientWidth > 1;
      box.classList.toggle('is-overflowing', over);
      hint.classList.toggle('is-shown', over);
      box.classList.toggle('at-start', box.scrollLeft <= 1);
      box.classList.toggle('at-end', box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
      if (over) {
        // Scrollable, so reachable by the keyboard and named (axe: scrollable-region-focusable).
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        if (!given.label) {
          const name = nameOf(table);
          box.setAttribute('aria-label', name ? name + ' (' + HINT + ')' : HINT);
        }
      } else if (given.tabindex === null) {
        box.removeAttribute('tabindex');
        if (given.role === null) box.removeAttribute('role');
        if (!given.label) box.removeAttribute('aria-label');
      }
    };
    box.addEventListener('scroll', update, {passive: true});
    if (window.ResizeObserver) new ResizeObserver(update).observe(box);
    window.addEventListener('resize', update);
    update();
  }

  function start() {
    for (const table of document.querySelectorAll('main table')) {
      if (table.closest('.table-scroll, .sheet-scroll, .month-scroll, [data-no-scroll]')) continue;
      if (table.parentElement.closest('table')) continue;
      wrap(table);
    }
    // The score sheet keeps its own box (cards on a phone) but gets the same cue when a round
    // has more criteria than fit.
    document.querySelectorAll('main .table-scroll, main .sheet-scroll').forEach(watch);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
