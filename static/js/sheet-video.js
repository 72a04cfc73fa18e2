// Screening by video: one program's video plays at a time, and moving to another program's
// card (Previous / Next on a phone or tablet) stops the one left behind.
(function () {
  "use strict";
  var videos = Array.prototype.slice.call(document.querySelectorAll(".sheet-video video"));
  if (!videos.length) return;
  function pauseAll(except) {
    videos.forEach(function (video) {
      if (video !== except && !video.paused) video.pause();
    });
  }
  videos.forEach(function (video) {
    video.addEventListener("play", function () { pauseAll(video); });
  });
  var nav = document.getElementById("sheet-cards-nav");
  if (nav) nav.addEventListener("click", function () { pauseAll(null); });
})();
