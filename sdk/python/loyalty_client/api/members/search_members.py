from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.member_search_out import MemberSearchOut
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    q: str,
    limit: int | Unset = 20,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["q"] = q

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members/search",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MemberSearchOut | Problem | None:
    if response.status_code == 200:
        response_200 = MemberSearchOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[MemberSearchOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    q: str,
    limit: int | Unset = 20,

) -> Response[MemberSearchOut | Problem]:
    """ Search Members

     Find members by part of a phone number, name, member code or email (from the read side: a member
    enrolled a moment ago may not be found yet).

    Args:
        q (str): Part of a phone number (0901…, 84901…), a name without or with diacritics, a
            member code, an email
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberSearchOut | Problem]
     """


    kwargs = _get_kwargs(
        q=q,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    q: str,
    limit: int | Unset = 20,

) -> MemberSearchOut | Problem | None:
    """ Search Members

     Find members by part of a phone number, name, member code or email (from the read side: a member
    enrolled a moment ago may not be found yet).

    Args:
        q (str): Part of a phone number (0901…, 84901…), a name without or with diacritics, a
            member code, an email
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberSearchOut | Problem
     """


    return sync_detailed(
        client=client,
q=q,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    q: str,
    limit: int | Unset = 20,

) -> Response[MemberSearchOut | Problem]:
    """ Search Members

     Find members by part of a phone number, name, member code or email (from the read side: a member
    enrolled a moment ago may not be found yet).

    Args:
        q (str): Part of a phone number (0901…, 84901…), a name without or with diacritics, a
            member code, an email
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberSearchOut | Problem]
     """


    kwargs = _get_kwargs(
        q=q,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    q: str,
    limit: int | Unset = 20,

) -> MemberSearchOut | Problem | None:
    """ Search Members

     Find members by part of a phone number, name, member code or email (from the read side: a member
    enrolled a moment ago may not be found yet).

    Args:
        q (str): Part of a phone number (0901…, 84901…), a name without or with diacritics, a
            member code, an email
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberSearchOut | Problem
     """


    return (await asyncio_detailed(
        client=client,
q=q,
limit=limit,

    )).parsed
