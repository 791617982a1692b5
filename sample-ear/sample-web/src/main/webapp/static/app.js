// The live page: listens to the item events and lists them as they come.
document.addEventListener('DOMContentLoaded', () => {
  const status = document.getElementById('status');
  const list = document.getElementById('events');
  if (!status || !list) {
    return;
  }
  const source = new EventSource(status.dataset.events);
  source.addEventListener('ready', () => { status.textContent = 'connected'; });
  source.addEventListener('item', (e) => {
    const change = JSON.parse(e.data);
    const li = document.createElement('li');
    li.textContent = change.type + ' item ' + change.id
      + (change.item ? ': ' + change.item.name + ' × ' + change.item.quantity : '');
    list.prepend(li);
  });
  source.onerror = () => { status.textContent = 'reconnecting…'; };
});
