// Copy text: the Clipboard API where the page is a secure context (localhost, https), otherwise the older
// select-and-copy, which also works over plain http on a classroom network.

import { announce } from './dom.js';

export async function copyText(text, what = 'Text') {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
    } else {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'offscreen';
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    announce(`${what} copied to the clipboard`);
    return true;
  } catch {
    announce(`${what} could not be copied: select it and press Ctrl+C`);
    return false;
  }
}
