import { Create } from 'react-admin';
import { BannedWordForm } from './BannedWordForm';

export default function BannedWordCreate() {
  return (
    <Create redirect="list" title="Add a banned word or exception">
      <BannedWordForm />
    </Create>
  );
}
