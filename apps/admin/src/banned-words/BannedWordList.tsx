import { Chip } from '@mui/material';
import { CreateButton, DataTable, FilterButton, List, SearchInput, SelectInput, TopToolbar } from 'react-admin';
import { UnixTimeField } from '../common/UnixTimeField';
import { type BannedWord, listChoices } from './bannedWordRecords';
import { PromptTester } from './PromptTester';

const Column = DataTable.Col<BannedWord>;

const filters = [
  <SearchInput key="q" source="q" placeholder="Phrase" alwaysOn />,
  <SelectInput key="list" source="list" choices={listChoices} />,
];

/** Checked on every submit's prompt (modal confirms too) before anything is charged; changes apply at once everywhere. */
export default function BannedWordList() {
  return (
    <List
      title="Banned words"
      filters={filters}
      actions={
        <TopToolbar>
          <FilterButton />
          <CreateButton />
        </TopToolbar>
      }
      exporter={false}
    >
      <PromptTester />
      <DataTable<BannedWord> rowClick="edit" bulkActionButtons={false}>
        <Column source="phrase" disableSort />
        <Column
          source="list"
          disableSort
          render={(word) => (
            <Chip size="small" color={word.list === 'banned' ? 'error' : 'success'} label={word.list === 'banned' ? 'banned' : 'allowed'} />
          )}
        />
        <Column source="whole_word" label="Whole words" disableSort render={(word) => (word.whole_word ? 'yes' : 'no')} />
        <Column source="note" disableSort />
        <Column source="updated_at" label="Updated" disableSort field={UnixTimeField} />
      </DataTable>
    </List>
  );
}
