import { Create } from 'react-admin';
import { ChannelForm } from './ChannelForm';

export default function ChannelCreate() {
  return (
    <Create redirect="list">
      <ChannelForm />
    </Create>
  );
}
