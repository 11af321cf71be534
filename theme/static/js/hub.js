/* The little JavaScript there is: every page reads and works without it. */
(function () {
  "use strict";

  // Click-to-play: nothing comes from the video's host until the reader presses play;
  // then the privacy-enhanced player (youtube-nocookie.com, Vimeo with dnt=1, PeerTube from the film's own server with p2p=0) replaces the poster.
  document.querySelectorAll("a.facade[data-embed]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      var frame = document.createElement("iframe");
      frame.src = link.getAttribute("data-embed");
      frame.title = link.getAttribute("data-title") || "Video player";
      frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      link.replaceWith(frame);
      frame.focus();
    });
  });

  // Reply links choose the comment in the form's "In reply to" list.
  var replyField = document.getElementById("comment-reply-to");
  document.querySelectorAll("a[data-reply-to]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!replyField || replyField.tagName !== "SELECT") { return; }
      event.preventDefault();
      replyField.value = link.getAttribute("data-reply-to");
      document.getElementById("comment-form").scrollIntoView({ block: "start" });
      document.getElementById("comment-body").focus({ preventScroll: true });
    });
  });

  // The first time the comment form is used, ask the comment service for a signed,
  // time-stamped token: a post too soon after it (a script) or days later is refused.
  var tokenField = document.querySelector("input[name=form_token][data-token-url]");
  if (tokenField && window.fetch) {
    var form = tokenField.form;
    var fetchToken = function () {
      form.removeEventListener("focusin", fetchToken);
      fetch(tokenField.getAttribute("data-token-url"), { credentials: "omit", cache: "no-store" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (data) { if (data && data.token) { tokenField.value = data.token; } })
        .catch(function () { /* the service is away: the form posts without a token */ });
    };
    form.addEventListener("focusin", fetchToken);
  }

  // The comment service sends the reader back with ?comment=pending (or =approved, for a
  // trusted author): say thank you.
  var answer = new URLSearchParams(window.location.search).get("comment");
  var notice = (answer === "pending" || answer === "approved") && document.getElementById("comment-" + answer);
  if (notice) {
    notice.classList.add("is-shown");
    notice.scrollIntoView({ block: "center" });
  }
})();
