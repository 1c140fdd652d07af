// Adding a passkey on the reader's account page: the server's creation options (a JSON data block) go to the
// browser's WebAuthn API unchanged (a resident key with user verification), and its answer is posted back.
// A same-origin file, since the site's CSP allows no inline script; webauthn-json is allauth's.
(function () {
  'use strict'
  function start () {
    const button = document.getElementById('passkey-add')
    if (!button) return
    const credential = document.getElementById(button.dataset.credential)
    const error = document.getElementById('passkey-error')
    button.addEventListener('click', async function () {
      error.hidden = true
      button.disabled = true
      try {
        const data = JSON.parse(document.getElementById(button.dataset.options).textContent)
        const made = await window.webauthnJSON.create(data.creation_options)
        credential.value = JSON.stringify(made)
        credential.form.submit()
      } catch (exc) {
        error.hidden = false
        button.disabled = false
      }
    })
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start)
  } else {
    start()
  }
})()
