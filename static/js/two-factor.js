// After a passkey is registered, show the page again: it lists the new key (and recovery codes, the first time).
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
