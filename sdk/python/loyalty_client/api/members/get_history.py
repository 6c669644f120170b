from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_history_lang import GetHistoryLang
from ...models.problem import Problem
from ...models.timeline_out import TimelineOut
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    member_id: UUID,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    lang: GetHistoryLang | Unset = GetHistoryLang.VI,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    json_lang: str | Unset = UNSET
    if not isinstance(lang, Unset):
        json_lang = lang.value

    params["lang"] = json_lang


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members/{member_id}/history".format(member_id=quote(str(member_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TimelineOut | None:
    if response.status_code == 200:
        response_200 = TimelineOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | TimelineOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    lang: GetHistoryLang | Unset = GetHistoryLang.VI,

) -> Response[Problem | TimelineOut]:
    """ Get History

     List a member's timeline, newest first, each event in words (Vietnamese, or `lang=en`); pass
    `next_cursor` back for the next page. Read from the member's events: it always shows the last write.

    Args:
        member_id (UUID):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        lang (GetHistoryLang | Unset):  Default: GetHistoryLang.VI.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TimelineOut]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
cursor=cursor,
limit=limit,
lang=lang,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    lang: GetHistoryLang | Unset = GetHistoryLang.VI,

) -> Problem | TimelineOut | None:
    """ Get History

     List a member's timeline, newest first, each event in words (Vietnamese, or `lang=en`); pass
    `next_cursor` back for the next page. Read from the member's events: it always shows the last write.

    Args:
        member_id (UUID):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        lang (GetHistoryLang | Unset):  Default: GetHistoryLang.VI.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TimelineOut
     """


    return sync_detailed(
        member_id=member_id,
client=client,
cursor=cursor,
limit=limit,
lang=lang,

    ).parsed

async def asyncio_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    lang: GetHistoryLang | Unset = GetHistoryLang.VI,

) -> Response[Problem | TimelineOut]:
    """ Get History

     List a member's timeline, newest first, each event in words (Vietnamese, or `lang=en`); pass
    `next_cursor` back for the next page. Read from the member's events: it always shows the last write.

    Args:
        member_id (UUID):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        lang (GetHistoryLang | Unset):  Default: GetHistoryLang.VI.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TimelineOut]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
cursor=cursor,
limit=limit,
lang=lang,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    lang: GetHistoryLang | Unset = GetHistoryLang.VI,

) -> Problem | TimelineOut | None:
    """ Get History

     List a member's timeline, newest first, each event in words (Vietnamese, or `lang=en`); pass
    `next_cursor` back for the next page. Read from the member's events: it always shows the last write.

    Args:
        member_id (UUID):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        lang (GetHistoryLang | Unset):  Default: GetHistoryLang.VI.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TimelineOut
     """


    return (await asyncio_detailed(
        member_id=member_id,
client=client,
cursor=cursor,
limit=limit,
lang=lang,

    )).parsed
