import { DeleteWithConfirmButton, Edit, ListButton, TopToolbar, useRecordContext } from 'react-admin';
import { BannedWordForm } from './BannedWordForm';
import type { BannedWord } from './bannedWordRecords';

function Title() {
  const word = useRecordContext<BannedWord>();
  return (
    <>
      {word?.list === 'allowed' ? 'Allowed' : 'Banned'}: {word?.phrase}
    </>
  );
}

export default function BannedWordEdit() {
  return (
    <Edit
      title={<Title />}
      mutationMode="pessimistic"
      actions={
        <TopToolbar>
          <ListButton />
          <DeleteWithConfirmButton confirmContent="Prompts with it are accepted again, on every instance, at once." />
        </TopToolbar>
      }
    >
      <BannedWordForm />
    </Edit>
  );
}
